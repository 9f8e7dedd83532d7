/**
 * The registry the console pushes to and checks, as a fleet setting: what a request may say, what
 * it means with the mirror's defaults, and where it disagrees with the mirror (a warning). Pure.
 */
import { z } from "zod";
import {
  caPemProblem,
  MAX_CA_BYTES,
  repositoryPrefixProblem,
  trimPrefix,
} from "@/lib/render/mirror";
import { registryHostProblem } from "@/lib/render/registry-host";
import { checkedString } from "@/lib/render/schema";
import type { MirrorSettings } from "@/lib/render/types";
import { type FieldIssue, fieldIssues, fieldPath } from "@/lib/util/field-issues";

const MAX_SECRET = 8192;

const checked = checkedString;

const oneLine = (what: string) => (value: string) =>
  /[\r\n\0]/.test(value) ? `${what} cannot contain a line break` : null;

/**
 * Credentials as a request gives them. A password or token left out keeps the stored one (the
 * form never has it to send back); `none` forgets them.
 */
const CredentialsInputSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("none") }),
  z.strictObject({
    kind: z.literal("basic"),
    username: checked(255, oneLine("a user name")).pipe(z.string().min(1)),
    password: checked(MAX_SECRET, oneLine("a password")).pipe(z.string().min(1)).optional(),
  }),
  z.strictObject({
    kind: z.literal("token"),
    token: checked(MAX_SECRET, oneLine("a token")).pipe(z.string().min(1)).optional(),
  }),
]);

/** The body of PUT /api/registry/settings. Unset fields follow the mirror settings. */
export const RegistrySettingsInputSchema = z
  .strictObject({
    /** host:port, or host:port/prefix (split into address and prefix) */
    address: checked(600, addressProblem).optional(),
    prefix: checked(255, repositoryPrefixProblem).optional(),
    scheme: z.enum(["http", "https"]).optional(),
    caPem: checked(MAX_CA_BYTES * 2, (pem) =>
      pem.trim() === "" ? null : caPemProblem(pem),
    ).optional(),
    insecureSkipVerify: z.boolean().optional(),
    credentials: CredentialsInputSchema.optional(),
    /** the fleet node whose SSH reaches the registry; null = directly */
    via: z.string().min(1).max(63).nullable().optional(),
  })
  .superRefine((input, context) => {
    if (input.address && splitAddress(input.address).prefix && input.prefix !== undefined) {
      context.addIssue({
        code: "custom",
        path: ["prefix"],
        message: "is given twice: in the address after the / and here; give it once",
      });
    }
    if (input.scheme === "http" && (input.insecureSkipVerify || input.caPem?.trim())) {
      context.addIssue({
        code: "custom",
        path: [input.insecureSkipVerify ? "insecureSkipVerify" : "caPem"],
        message: "applies to https only; use scheme https or drop it",
      });
    }
    if (input.insecureSkipVerify && input.caPem?.trim()) {
      context.addIssue({
        code: "custom",
        path: ["insecureSkipVerify"],
        message: "is not needed with a CA certificate: choose one",
      });
    }
  });

export type RegistrySettingsInput = z.input<typeof RegistrySettingsInputSchema>;

/** A registry setting in words a person reads: each field by the form's label. */
const LABELS: Record<string, string> = {
  address: "Registry address",
  prefix: "Repository prefix",
  scheme: "Scheme",
  caPem: "CA certificate",
  insecureSkipVerify: "Skip TLS verification",
  credentials: "Credentials",
  "credentials.kind": "Credentials",
  "credentials.username": "User name",
  "credentials.password": "Password",
  "credentials.token": "Token",
  via: "Reach it through node",
};

/** Every bad field at once, by its label; an empty list when the input is good. */
export function registrySettingsIssues(error: z.ZodError): FieldIssue[] {
  return fieldIssues(error, (path) => LABELS[fieldPath(path)]);
}

/** `host:port/prefix` → its address and prefix (a prefix typed into the address field). */
export function splitAddress(input: string): { address: string; prefix?: string } {
  const value = input.trim();
  const slash = value.indexOf("/");
  // a URL is refused whole by the address check, which names its scheme
  if (slash === -1 || value.includes("://")) return { address: value };
  const prefix = trimPrefix(value.slice(slash + 1));
  return { address: value.slice(0, slash), ...(prefix ? { prefix } : {}) };
}

function addressProblem(input: string): string | null {
  const { address, prefix } = splitAddress(input);
  const problem = registryHostProblem(address);
  if (problem) return problem;
  return prefix === undefined ? null : repositoryPrefixProblem(prefix);
}

/** How credentials are stored and shown: the secret only as `hasPassword` / `hasToken`. */
export type CredentialsPublic =
  | { kind: "none" }
  | { kind: "basic"; username: string; hasPassword: boolean }
  | { kind: "token"; hasToken: boolean };

/** The registry settings as stored (secrets apart) and as answers show them. */
export interface RegistrySettingsPublic {
  address?: string;
  prefix?: string;
  scheme?: "http" | "https";
  caPem?: string;
  insecureSkipVerify?: boolean;
  credentials: CredentialsPublic;
  via?: string;
}

/** What the console uses: every field decided, unset ones taken from the mirror. */
export interface EffectiveRegistry {
  address: string;
  prefix: string | null;
  scheme: "http" | "https";
  caPem: string | null;
  insecureSkipVerify: boolean;
  via: string | null;
}

export interface RegistryWarning {
  field: string;
  message: string;
}

/** The settings with the mirror's defaults, and where they disagree with the mirror. */
export function effectiveRegistry(
  settings: RegistrySettingsPublic,
  mirror: MirrorSettings,
): { effective: EffectiveRegistry; warnings: RegistryWarning[] } {
  const mirrorPrefix = typeof mirror.layout === "object" ? trimPrefix(mirror.layout.prefix) : null;
  const tlsSet = settings.caPem !== undefined || settings.insecureSkipVerify !== undefined;
  const effective: EffectiveRegistry = {
    address: (settings.address ?? mirror.address).toLowerCase(),
    prefix: settings.prefix ?? mirrorPrefix,
    scheme: settings.scheme ?? mirror.scheme,
    caPem: (tlsSet ? settings.caPem : mirror.caPem)?.trim() || null,
    insecureSkipVerify: (tlsSet ? settings.insecureSkipVerify : mirror.skipVerify) === true,
    via: settings.via ?? null,
  };
  const warnings: RegistryWarning[] = [];
  const differs = (field: string, what: string, ours: string, theirs: string) => {
    if (ours !== theirs) {
      warnings.push({
        field,
        message: `${what} ${ours} differs from the mirror's ${theirs}: nodes will pull from the mirror, not from this registry`,
      });
    }
  };
  differs("address", "the address", effective.address, mirror.address.toLowerCase());
  differs("prefix", "the prefix", prefixWords(effective.prefix), prefixWords(mirrorPrefix));
  differs("scheme", "the scheme", effective.scheme, mirror.scheme);
  return { effective, warnings };
}

function prefixWords(prefix: string | null): string {
  return prefix === null ? "(none)" : `"${prefix}"`;
}

/** The registry's base URL. */
export function registryUrl(effective: EffectiveRegistry): string {
  return `${effective.scheme}://${effective.address}`;
}
