/**
 * The registry setting: one row ("registry") of the settings table, like the other fleet settings.
 * Its password or token is stored encrypted like a node's secrets and never read back: answers
 * say `hasPassword` / `hasToken`.
 */
import type { RegistryConnection, RegistryCredentials } from "@/lib/registry/client";
import {
  type CredentialsPublic,
  type EffectiveRegistry,
  effectiveRegistry,
  type RegistrySettingsInput,
  RegistrySettingsInputSchema,
  type RegistrySettingsPublic,
  type RegistryWarning,
  registrySettingsIssues,
  registryUrl,
  splitAddress,
} from "@/lib/registry/settings";
import { type FieldIssue, joinIssues } from "@/lib/util/field-issues";
import type { Database } from "./db";
import { InventoryError } from "./errors";
import { decryptSecret, encryptSecret, SecretDecryptError, type SecretKey } from "./secrets";
import { getFleetSettings } from "./settings";

type StoredCredentials =
  | { kind: "none" }
  | { kind: "basic"; username: string; password: string }
  | { kind: "token"; token: string };

type StoredRegistry = Omit<RegistrySettingsPublic, "credentials"> & {
  credentials: StoredCredentials;
};

/** What GET and PUT /api/registry/settings answer. */
export interface RegistrySettingsAnswer {
  settings: RegistrySettingsPublic;
  effective: EffectiveRegistry;
  warnings: RegistryWarning[];
}

const NONE: StoredCredentials = { kind: "none" };

function readStored(db: Database): StoredRegistry {
  const value = db.prepare("SELECT value FROM settings WHERE key = 'registry'").pluck().get() as
    | string
    | undefined;
  if (!value) return { credentials: NONE };
  const stored = JSON.parse(value) as Partial<StoredRegistry> | null;
  // only the console writes this row: a shape it never writes means the database was edited
  if (
    typeof stored !== "object" ||
    stored === null ||
    typeof stored.credentials?.kind !== "string"
  ) {
    throw new Error("the stored registry settings are damaged; save them again");
  }
  return stored as StoredRegistry;
}

/** What is stored, or nothing when the row is damaged: saving again is how it is repaired. */
function storedOrNothing(db: Database): StoredRegistry {
  try {
    return readStored(db);
  } catch {
    return { credentials: NONE };
  }
}

export function getRegistrySettings({ db }: { db: Database }): RegistrySettingsAnswer {
  const settings = toPublic(readStored(db));
  return { settings, ...effectiveRegistry(settings, getFleetSettings({ db }).mirror) };
}

/**
 * Replaces the registry setting. A password or token the request leaves out stays as stored;
 * every bad field is reported at once.
 */
export function putRegistrySettings({
  db,
  key,
  input,
}: {
  db: Database;
  key: SecretKey;
  input: RegistrySettingsInput;
}): RegistrySettingsAnswer {
  const parsed = RegistrySettingsInputSchema.safeParse(input);
  const before = storedOrNothing(db);
  if (!parsed.success) {
    // with what the stored settings lack too, so that one round shows every problem
    throw invalid([
      ...registrySettingsIssues(parsed.error),
      ...missingSecret(input?.credentials, before.credentials),
    ]);
  }
  const valid = parsed.data;
  const issues: FieldIssue[] = [];
  const credentials = storedCredentials(valid.credentials, before.credentials, key, issues);
  if (valid.via && !nodeExists(db, valid.via)) {
    issues.push({
      field: "via",
      label: "Reach it through node",
      message: `there is no node named "${valid.via}"`,
    });
  }
  if (issues.length > 0) throw invalid(issues);
  const split: { address?: string; prefix?: string } =
    valid.address === undefined ? {} : splitAddress(valid.address);
  const stored: StoredRegistry = {
    ...(split.address ? { address: split.address.toLowerCase() } : {}),
    ...(split.prefix || valid.prefix ? { prefix: split.prefix ?? valid.prefix?.trim() } : {}),
    ...(valid.scheme ? { scheme: valid.scheme } : {}),
    ...(valid.caPem?.trim() ? { caPem: `${valid.caPem.replaceAll("\r\n", "\n").trim()}\n` } : {}),
    ...(valid.insecureSkipVerify !== undefined
      ? { insecureSkipVerify: valid.insecureSkipVerify }
      : {}),
    ...(valid.via ? { via: valid.via } : {}),
    credentials,
  };
  db.prepare(
    `INSERT INTO settings (key, value, updated_at) VALUES ('registry', ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  ).run(JSON.stringify(stored), new Date().toISOString());
  return getRegistrySettings({ db });
}

/** How lib/registry reaches the registry (secrets decrypted: for the console's own use only). */
export function registryConnection({ db, key }: { db: Database; key: SecretKey }): {
  connection: RegistryConnection;
  effective: EffectiveRegistry;
} {
  const stored = readStored(db);
  const { effective } = effectiveRegistry(toPublic(stored), getFleetSettings({ db }).mirror);
  const connection: RegistryConnection = {
    url: registryUrl(effective),
    ...(effective.caPem ? { ca: effective.caPem } : {}),
    insecureSkipVerify: effective.insecureSkipVerify,
    credentials: connectionCredentials(stored.credentials, key),
  };
  return { connection, effective };
}

function connectionCredentials(
  stored: StoredCredentials,
  key: SecretKey,
): RegistryCredentials | undefined {
  const open = (value: string, what: string) => {
    try {
      return decryptSecret(key, value);
    } catch (error) {
      if (!(error instanceof SecretDecryptError)) throw error;
      throw new SecretDecryptError(
        `${error.reason} — the registry's ${what}: enter it again on the Registry page`,
      );
    }
  };
  if (stored.kind === "basic") {
    return { username: stored.username, password: open(stored.password, "password") };
  }
  if (stored.kind === "token") return { token: open(stored.token, "token") };
  return undefined;
}

/** A password or token neither given nor stored (as a request may carry any shape here). */
function missingSecret(input: unknown, before: StoredCredentials): FieldIssue[] {
  const given = (input ?? {}) as { kind?: unknown; password?: unknown; token?: unknown };
  if (given.kind === "basic" && !given.password && before.kind !== "basic") {
    return [{ field: "credentials.password", label: "Password", message: PASSWORD_REQUIRED }];
  }
  if (given.kind === "token" && !given.token && before.kind !== "token") {
    return [{ field: "credentials.token", label: "Token", message: "is required" }];
  }
  return [];
}

const PASSWORD_REQUIRED = "is required with a user name";

function storedCredentials(
  input: RegistrySettingsInput["credentials"],
  before: StoredCredentials,
  key: SecretKey,
  issues: FieldIssue[],
): StoredCredentials {
  if (input === undefined) return before;
  if (input.kind === "none") return NONE;
  if (input.kind === "basic") {
    const password = input.password
      ? encryptSecret(key, input.password)
      : before.kind === "basic"
        ? before.password
        : undefined;
    if (password) return { kind: "basic", username: input.username, password };
    issues.push({
      field: "credentials.password",
      label: "Password",
      message: PASSWORD_REQUIRED,
    });
    return before;
  }
  const token = input.token
    ? encryptSecret(key, input.token)
    : before.kind === "token"
      ? before.token
      : undefined;
  if (token) return { kind: "token", token };
  issues.push({ field: "credentials.token", label: "Token", message: "is required" });
  return before;
}

function toPublic(stored: StoredRegistry): RegistrySettingsPublic {
  const { credentials, ...rest } = stored;
  return { ...rest, credentials: publicCredentials(credentials) };
}

function publicCredentials(stored: StoredCredentials): CredentialsPublic {
  if (stored.kind === "basic") {
    return { kind: "basic", username: stored.username, hasPassword: true };
  }
  if (stored.kind === "token") return { kind: "token", hasToken: true };
  return { kind: "none" };
}

function nodeExists(db: Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM nodes WHERE name = ?").pluck().get(name) !== undefined;
}

function invalid(issues: FieldIssue[]): InventoryError {
  return new InventoryError("invalid", joinIssues(issues), issues);
}
