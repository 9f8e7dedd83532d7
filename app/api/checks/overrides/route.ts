import { z } from "zod";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";
import { clearOverride, setOverride } from "@/lib/inventory/checks-store";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { BIDI_CONTROLS } from "@/lib/inventory/fields";

const Body = z.object({
  node: z.string(),
  check: z.string(),
  /** why the failure is acceptable; null removes the override */
  reason: z
    .string()
    .trim()
    .min(3, "say why this failure is acceptable")
    .max(500)
    .refine((reason) => !BIDI_CONTROLS.test(reason), "must not contain bidi controls")
    .nullable(),
});

export const POST = apiRoute(async (request) => {
  const { node, check, reason } = Body.parse(await readJson(request));
  const { db } = consoleInventory();
  if (reason === null) return Response.json({ removed: clearOverride({ db, node, check }) });
  return Response.json({ override: setOverride({ db, node, check, reason }) });
});
