/** Browser-side calls to the fleet inventory and pre-flight check API (docs: "Fleet inventory"). */
import type { Readiness } from "@/lib/checks/readiness";
import type { ImportRowPublic } from "@/lib/inventory/import/public-preview";
import type {
  CheckResult,
  CredentialPublic,
  NodeInput,
  NodePublic,
  SshAuthInput,
  SudoInput,
} from "@/lib/inventory/types";
import { ApiError, call } from "./api";

export type { CheckResult, CredentialPublic, NodeInput, NodePublic };

export type NodePatch = Partial<NodeInput>;

export type ExportFormat = "k0sctl" | "ansible" | "csv";

/** a row as previewed: what it would create (null when invalid), secrets only as "provided" */
export type ImportRow = ImportRowPublic;

export interface ImportPreview {
  format: string;
  rows: ImportRow[];
  /** about the file as a whole, e.g. an ignored column */
  notes?: string[];
}

export interface ImportOutcome extends ImportPreview {
  created: string[];
  conflicts: string[];
}

const JSON_HEADERS = { "content-type": "application/json" };

function nodePath(name: string, suffix = ""): string {
  return `/api/nodes/${encodeURIComponent(name)}${suffix}`;
}

async function send<T>(path: string, method: string, body?: unknown): Promise<T> {
  const response = await call(path, {
    method,
    headers: body === undefined ? undefined : JSON_HEADERS,
    body: body === undefined ? undefined : JSON.stringify(body),
    cache: "no-store",
  });
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** Each node's readiness for an apply (GET /api/checks/readiness). */
export async function fleetReadiness(): Promise<Readiness[]> {
  return (await send<{ readiness: Readiness[] }>("/api/checks/readiness", "GET")).readiness;
}

export async function listNodes(): Promise<NodePublic[]> {
  return (await send<{ nodes: NodePublic[] }>("/api/nodes", "GET")).nodes;
}

export async function createNode(input: NodeInput): Promise<NodePublic> {
  return (await send<{ node: NodePublic }>("/api/nodes", "POST", input)).node;
}

export async function updateNode(name: string, patch: NodePatch): Promise<NodePublic> {
  return (await send<{ node: NodePublic }>(nodePath(name), "PATCH", patch)).node;
}

export async function deleteNode(name: string): Promise<void> {
  await send<void>(nodePath(name), "DELETE");
}

export async function duplicateNode(
  name: string,
  copy: { name: string; address: string },
): Promise<NodePublic> {
  return (await send<{ node: NodePublic }>(nodePath(name, "/duplicate"), "POST", copy)).node;
}

export async function trustHostKey(name: string, fingerprint: string): Promise<NodePublic> {
  return (await send<{ node: NodePublic }>(nodePath(name, "/trust"), "POST", { fingerprint })).node;
}

/** credential: every row uses this stored credential ("" = the access the file gives) */
export async function previewImport(content: string, credential = ""): Promise<ImportPreview> {
  return send<ImportPreview>("/api/nodes/import", "POST", importBody(content, credential));
}

export async function confirmImport(content: string, credential = ""): Promise<ImportOutcome> {
  const body = { ...importBody(content, credential), confirm: true };
  return send<ImportOutcome>("/api/nodes/import", "POST", body);
}

function importBody(content: string, credential: string) {
  return credential ? { content, credential } : { content };
}

export function exportHref(format: ExportFormat): string {
  return `/api/nodes/export?format=${format}`;
}

/** The result list, whichever envelope the route uses ({results}, {checks} or a bare array). */
function resultsOf(body: unknown): CheckResult[] {
  if (Array.isArray(body)) return body as CheckResult[];
  if (body && typeof body === "object") {
    for (const key of ["results", "checks"]) {
      const value = (body as Record<string, unknown>)[key];
      if (Array.isArray(value)) return value as CheckResult[];
    }
  }
  return [];
}

/** The latest results of every node (GET /api/checks without ?node=). */
export async function allLatestChecks(): Promise<CheckResult[]> {
  return resultsOf(await send<unknown>("/api/checks", "GET"));
}

export async function latestChecks(node: string): Promise<CheckResult[]> {
  return resultsOf(await send<unknown>(`/api/checks?node=${encodeURIComponent(node)}`, "GET"));
}

/**
 * Runs the pre-flight checks. Sudo passwords for "ask" nodes travel in this one request body
 * only: the caller must not keep them afterwards.
 */
export async function runChecks(
  nodes: string[] | "all",
  sudoPasswords?: Record<string, string>,
): Promise<CheckResult[]> {
  const body =
    sudoPasswords && Object.keys(sudoPasswords).length > 0 ? { nodes, sudoPasswords } : { nodes };
  return resultsOf(await send<unknown>("/api/checks", "POST", body));
}

/** Records (reason) or removes (null) the override of a failing check. */
export async function setOverride(node: string, check: string, reason: string | null) {
  await send<unknown>("/api/checks/overrides", "POST", { node, check, reason });
}

/** A 400's message split into per-field messages ("address: …; port: …") plus the rest. */
export function fieldMessages(error: unknown): { fields: Map<string, string>; general: string[] } {
  const fields = new Map<string, string>();
  const general: string[] = [];
  if (!(error instanceof ApiError)) {
    general.push(error instanceof Error ? error.message : String(error));
    return { fields, general };
  }
  if (error.field) fields.set(error.field, error.message);
  for (const part of error.message.split("; ")) {
    const match = /^([A-Za-z][\w.[\]]*): (.+)$/.exec(part);
    if (match?.[1] && match[2]) fields.set(match[1], match[2]);
    else if (!error.field) general.push(part);
  }
  return { fields, general };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A credential's body: its name and access; secrets travel inward only. */
export interface CredentialBody {
  name?: string;
  auth?: SshAuthInput;
  sudo?: SudoInput;
}

function credentialPath(name?: string): string {
  return name === undefined ? "/api/credentials" : `/api/credentials/${encodeURIComponent(name)}`;
}

export async function listCredentials(): Promise<CredentialPublic[]> {
  return (await send<{ credentials: CredentialPublic[] }>(credentialPath(), "GET")).credentials;
}

export async function createCredential(body: CredentialBody): Promise<CredentialPublic> {
  return (await send<{ credential: CredentialPublic }>(credentialPath(), "POST", body)).credential;
}

/** rotate (new auth or sudo) or rename: every node using it changes with it */
export async function updateCredential(
  name: string,
  body: CredentialBody,
): Promise<CredentialPublic> {
  return (await send<{ credential: CredentialPublic }>(credentialPath(name), "PATCH", body))
    .credential;
}

export async function deleteCredential(name: string): Promise<void> {
  await send<void>(credentialPath(name), "DELETE");
}

export type BulkRequest =
  | { action: "trust"; keys: { node: string; type: string; fingerprint: string }[] }
  | { action: "pin-known-hosts"; nodes: string[]; knownHosts: string }
  | {
      action: "edit";
      nodes: string[];
      set: {
        role?: NodeInput["role"];
        labels?: Record<string, string>;
        removeLabels?: string[];
        registryAddress?: string | null;
        credential?: string | null;
      };
    }
  | { action: "remove"; nodes: string[] };

export interface BulkAnswer {
  results: { node: string; outcome: "done" | "failed"; message?: string; fingerprint?: string }[];
  done: number;
  failed: number;
}

/** Many nodes at once; each node's result comes back (a refusal of one does not stop the others). */
export async function bulkNodes(request: BulkRequest): Promise<BulkAnswer> {
  return send<BulkAnswer>("/api/nodes/bulk", "POST", request);
}
