import { z } from "zod";
import { consoleEnv } from "@/lib/env";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { MAX_INVENTORY_CHARS, parseInventory, publicPreview } from "@/lib/inventory/import";
import { readImportKeys } from "@/lib/inventory/import-keys";
import { importNodes } from "@/lib/inventory/import-nodes";
import { openKeysFolder } from "@/lib/inventory/key-folder";

const Body = z.object({
  content: z.string().max(MAX_INVENTORY_CHARS),
  format: z.enum(["k0sctl", "ansible-ini", "ansible-yaml", "csv"]).optional(),
  /** false (default): a preview, nothing saved */
  confirm: z.boolean().optional(),
});

export const POST = apiRoute(async (request) => {
  const { content, format, confirm } = Body.parse(await readJson(request));
  const { sshKeysDir, dataDir } = consoleEnv();
  const preview = readImportKeys(
    parseInventory(content, format),
    openKeysFolder(sshKeysDir, dataDir),
  );
  // never the secrets the file carries: only that they were provided
  if (!confirm) return Response.json(publicPreview(preview));
  const outcomes = importNodes({ ...consoleInventory(), rows: preview.rows });
  return Response.json({
    ...publicPreview(preview),
    outcomes,
    created: outcomes.filter((o) => o.outcome === "created").map((o) => o.name),
    conflicts: outcomes.filter((o) => o.outcome === "conflict").map((o) => o.name),
  });
});
