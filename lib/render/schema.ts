import { z } from "zod";
import { MAX_CATALOG_IMAGES } from "@/lib/catalog/limits";
import { fieldIssues } from "@/lib/util/field-issues";
import { RenderInputError } from "./errors";
import { caPemProblem, MAX_CA_BYTES } from "./mirror";
import { registryHostProblem } from "./registry-host";

/** A string checked by a function that says what is wrong with it (the length cap bounds the work). */
export function checkedString(maxLength: number, problemOf: (value: string) => string | null) {
  return z
    .string()
    .max(maxLength, { abort: true })
    .superRefine((value, context) => {
      const problem = problemOf(value);
      if (problem) context.addIssue({ code: "custom", message: problem });
    });
}

/**
 * The render input's shape. `checked`: its registry addresses and CA are checked field by field
 * (what a request must pass); without, only their type and size are (what was stored under older
 * rules still loads, so the form can show what to fix).
 */
function renderRequestSchema(checked: boolean) {
  const registryHost = checked ? checkedString(4096, registryHostProblem) : z.string().max(4096);
  const caPem = checked
    ? checkedString(MAX_CA_BYTES * 2, (pem) => (pem.trim() === "" ? null : caPemProblem(pem)))
    : z.string().max(MAX_CA_BYTES * 2);
  return z.object({
    k0sVersion: z.string().min(1).max(64),
    registries: z.array(registryHost).max(1000),
    mirror: z.object({
      address: registryHost,
      scheme: z.enum(["http", "https"]),
      caPem: caPem.optional(),
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
          registryAddress: registryHost.optional(),
        }),
      )
      .max(5000)
      .optional(),
    /** normalised image references from the catalog, used to detect path collisions */
    images: z.array(z.string().max(512)).max(MAX_CATALOG_IMAGES).optional(),
  });
}

/** The JSON body of POST /api/render (and the fleet settings). Semantics are checked by render(). */
export const RenderRequestSchema = renderRequestSchema(true);
/** The same shape, as stored settings are read back (see renderRequestSchema). */
export const StoredRenderRequestSchema = renderRequestSchema(false);

export type RenderRequest = z.infer<typeof RenderRequestSchema>;

/** The name a person sees for a render input field (the form's label), from its path. */
function renderFieldLabel(path: readonly PropertyKey[]): string {
  const [first, second, third] = path;
  if (first === "registries" && typeof second === "number") return `Registry ${second + 1}`;
  if (first === "nodes" && typeof second === "number") {
    const part = { name: "name", role: "role", registryAddress: "registry address" }[String(third)];
    return `Node ${second + 1}${part ? ` ${part}` : ""}`;
  }
  const key = path.map(String).join(".");
  return FIELD_LABELS[key] ?? key;
}

const FIELD_LABELS: Record<string, string> = {
  k0sVersion: "k0s version",
  registries: "Registries to mirror",
  "mirror.address": "Registry address",
  "mirror.scheme": "Scheme",
  "mirror.caPem": "CA certificate",
  "mirror.skipVerify": "Skip TLS verification",
  "mirror.layout": "Where the images are in the local registry",
  "mirror.layout.prefix": "Path prefix",
  "mirror.fallbackToUpstream": "Fall back to upstream",
  "mirror.defaultMirror": "Default mirror",
  nodes: "Nodes",
  images: "Catalog images",
};

/**
 * Parses a render input (or the fleet settings) with `schema`, reporting every bad field at once,
 * each by its label, as one RenderInputError (`field` = the first one's path, for the form).
 */
export function parseRenderInput<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw RenderInputError.of(fieldIssues(result.error, renderFieldLabel));
}
