import { z } from "zod";
import { consoleEnv } from "@/lib/env";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { credentialId } from "@/lib/inventory/credentials";
import { MAX_INVENTORY_CHARS, parseInventory, publicPreview } from "@/lib/inventory/import";
import { assignCredential } from "@/lib/inventory/import/credential";
import { readImportKeys } from "@/lib/inventory/import-keys";
import { importNodes } from "@/lib/inventory/import-nodes";
import { openKeysFolder } from "@/lib/inventory/key-folder";
import { NodeNameSchema } from "@/lib/inventory/schema";

const Body = z.object({
  content: z.string().max(MAX_INVENTORY_CHARS),
  format: z.enum(["k0sctl", "ansible-ini", "ansible-yaml", "csv"]).optional(),
  /** every row uses this stored credential (the file's auth, sudo and key files are set aside) */
  credential: NodeNameSchema.optional(),
  /** false (default): a preview, nothing saved */
  confirm: z.boolean().optional(),
});

export const POST = apiRoute(async (request) => {
  const { content, format, confirm, credential } = Body.parse(await readJson(request));
  const inventory = consoleInventory();
  const { sshKeysDir, dataDir } = consoleEnv();
  const parsed = parseInventory(content, format);
  if (credential) credentialId(inventory.db, credential); // a missing one is the request's error
  const preview = credential
    ? assignCredential(parsed, credential)
    : readImportKeys(parsed, openKeysFolder(sshKeysDir, dataDir));
  // never the secrets the file carries: only that they were provided
  if (!confirm) return Response.json(publicPreview(preview));
  const outcomes = importNodes({ ...inventory, rows: preview.rows });
  return Response.json({
    ...publicPreview(preview),
    outcomes,
    created: outcomes.filter((o) => o.outcome === "created").map((o) => o.name),
    conflicts: outcomes.filter((o) => o.outcome === "conflict").map((o) => o.name),
  });
});
