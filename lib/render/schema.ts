import { z } from "zod";
import { MAX_CATALOG_IMAGES } from "@/lib/catalog/limits";

/** The JSON body of POST /api/render (and the fleet settings later). Semantics are checked by render(). */
export const RenderRequestSchema = z.object({
  k0sVersion: z.string().min(1).max(64),
  registries: z.array(z.string().max(300)).max(1000),
  mirror: z.object({
    address: z.string().min(1).max(300),
    scheme: z.enum(["http", "https"]),
    caPem: z
      .string()
      .max(256 * 1024)
      .optional(),
    skipVerify: z.boolean().optional(),
    layout: z
      .union([
        z.literal("flat"),
        z.literal("per-registry"),
        z.object({ prefix: z.string().max(255) }).strict(),
      ])
      .optional(),
    fallbackToUpstream: z.boolean().optional(),
    defaultMirror: z.boolean().optional(),
  }),
  nodes: z
    .array(
      z.object({
        name: z.string().max(63),
        role: z.enum(["controller", "controller+worker", "worker", "single"]),
        registryAddress: z.string().max(300).optional(),
      }),
    )
    .max(5000)
    .optional(),
  /** normalised image references from the catalog, used to detect path collisions */
  images: z.array(z.string().max(512)).max(MAX_CATALOG_IMAGES).optional(),
});

export type RenderRequest = z.infer<typeof RenderRequestSchema>;
