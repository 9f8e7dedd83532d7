/** zod schemas for node input, shared by the store and the API routes. Messages never echo a secret. */
import { z } from "zod";
import { NODE_ROLES } from "@/lib/render/nodes";
import { registryHostProblem } from "@/lib/render/registry-host";
import {
  FINGERPRINT,
  HIDDEN_CONTROLS,
  HIDDEN_CONTROLS_MESSAGE,
  isHostAddress,
  isNodeName,
  KEY_TYPE,
  LABEL_KEY,
  LABEL_VALUE,
  MAX_LABEL_VALUE,
  normaliseFingerprint,
  USER_NAME,
} from "./fields";
import type { NodeInput } from "./types";

export const NodeNameSchema = z
  .string()
  .trim()
  .refine(isNodeName, "must be 1-63 letters, digits, '.', '_' or '-', not ending with '.'");

export const HostAddressSchema = z
  .string()
  .trim()
  .min(1, { error: "is required", abort: true })
  .refine(isHostAddress, "must be a hostname or an IPv4/IPv6 address (no brackets, no port)");

const PORT_RANGE = "must be a port number, 1-65535";
export const PortSchema = z.number().int(PORT_RANGE).min(1, PORT_RANGE).max(65535, PORT_RANGE);
export const UserSchema = z.string().trim().regex(USER_NAME, "must be a POSIX user name");
export const RoleSchema = z.enum(NODE_ROLES);

export const RegistryAddressSchema = z
  .string()
  .trim()
  .max(4096, { abort: true })
  .superRefine((value, context) => {
    const problem = registryHostProblem(value);
    if (problem) context.addIssue({ code: "custom", message: problem });
  });

export const LabelsSchema = z
  .record(
    z.string().regex(LABEL_KEY, "label keys are letters, digits, '.', '_', '/' or '-'"),
    z
      .string()
      .max(MAX_LABEL_VALUE, `label values are at most ${MAX_LABEL_VALUE} characters`)
      .regex(LABEL_VALUE, "label values cannot contain ';'")
      .refine((value) => !HIDDEN_CONTROLS.test(value), `label values ${HIDDEN_CONTROLS_MESSAGE}`),
  )
  .refine((labels) => Object.keys(labels).length <= 64, "at most 64 labels");

export const FingerprintSchema = z
  .string()
  .trim()
  .regex(FINGERPRINT, 'must be an OpenSSH fingerprint "SHA256:…" (43 base64 characters)')
  .transform(normaliseFingerprint);

export const PrivateKeySchema = z
  .string()
  .max(64 * 1024)
  .refine((key) => !/^\s*(ssh|ecdsa|sk)-[a-z0-9@.-]+ AAAA/.test(key), "this is a public key")
  .refine(
    (key) => /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(key) || key.startsWith("PuTTY-User-Key"),
    "must be an OpenSSH, PEM or PuTTY private key",
  );
const PasswordSchema = z.string().min(1, "is required").max(4096);
/** sudo reads its password as one line: a line break or NUL would cut it (and the rest would be input) */
export const SudoPasswordSchema = PasswordSchema.refine(
  (password) => !/[\r\n\0]/.test(password),
  "cannot contain a line break or NUL character (sudo reads the password as one line)",
);
/** sudo passwords asked at run time, by node name: used by one run or check, never stored */
export const RunSudoPasswordsSchema = z.record(z.string(), SudoPasswordSchema);

export const SshAuthSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("key"),
    privateKey: PrivateKeySchema,
    passphrase: PasswordSchema.optional(),
  }),
  z.strictObject({ kind: z.literal("password"), password: PasswordSchema }),
  z.strictObject({ kind: z.literal("agent") }),
]);

export const SudoSchema = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("none") }),
  z.strictObject({ mode: z.literal("passwordless") }),
  z.strictObject({ mode: z.literal("stored"), password: SudoPasswordSchema }),
  z.strictObject({ mode: z.literal("ask") }),
]);

export const BastionSchema = z.strictObject({
  address: HostAddressSchema,
  port: PortSchema.optional(),
  user: UserSchema,
  auth: SshAuthSchema.optional(),
});

export const NodeInputSchema = z.strictObject({
  name: NodeNameSchema,
  address: HostAddressSchema,
  port: PortSchema.optional(),
  user: UserSchema.optional(),
  role: RoleSchema,
  registryAddress: RegistryAddressSchema.nullable().optional(),
  labels: LabelsSchema.optional(),
  bastion: BastionSchema.nullable().optional(),
  auth: SshAuthSchema.optional(),
  sudo: SudoSchema.optional(),
  credential: NodeNameSchema.nullable().optional(),
  expectedFingerprint: FingerprintSchema.nullable().optional(),
});

/** A credential: SSH access defined once, assigned to many nodes. */
export const CredentialInputSchema = z.strictObject({
  name: NodeNameSchema,
  auth: SshAuthSchema,
  sudo: SudoSchema.optional(),
});

/** Rename or rotate: omitted = unchanged. */
export const CredentialPatchSchema = CredentialInputSchema.partial();

/** PATCH: every field optional; omitted = unchanged, null = cleared (where nullable). */
export const NodePatchSchema = NodeInputSchema.partial();

export type NodePatch = Partial<NodeInput>;

export const HostKeySchema = z.strictObject({
  type: z.string().regex(KEY_TYPE, "must be an ssh key type, e.g. ssh-ed25519"),
  fingerprint: FingerprintSchema,
});

// Compile-time checks that the schemas and the contract in types.ts agree both ways.
type Assert<T extends true> = T;
export type _InputMatches = Assert<
  NodeInput extends z.input<typeof NodeInputSchema> ? true : false
>;
export type _OutputMatches = Assert<
  z.output<typeof NodeInputSchema> extends NodeInput ? true : false
>;
