import type { NodeRole, RenderedFile } from "@/lib/render/types";
import { type SshEndpoint, SshSession } from "@/lib/ssh/client";
import { SshError } from "@/lib/ssh/errors";
import type { PresentedHostKey } from "@/lib/ssh/host-key";
import type { Privilege } from "@/lib/ssh/privilege";
import { RootShell } from "@/lib/ssh/root-shell";
import { mapLimit } from "@/lib/util/map-limit";
import { evaluateFleet, type NodeIdentity } from "./evaluate-fleet";
import { type CheckDraft, draft, evaluateNode } from "./evaluate-node";
import { factsScript } from "./facts-script";
import type { ImageLocator } from "./mirror-request";
import { parseFacts } from "./parse-facts";
import { probeRegistry } from "./registry-probe";

export interface CheckTarget {
  name: string;
  role: NodeRole;
  endpoint: SshEndpoint;
  bastion: SshEndpoint | null;
  privilege: Privilege;
  sudoPassword: string | null;
  registryAddress: string;
  /** the node's rendered files: the registry probe follows its hosts.toml */
  files: RenderedFile[];
}

export interface CheckRunOptions {
  scheme: "http" | "https";
  caPem: string | null;
  skipVerify: boolean;
  sample: ImageLocator[];
  concurrency: number;
  connectTimeoutMs?: number;
  commandTimeoutMs?: number;
  /** a key accepted because it matched the expected fingerprint: the caller pins it */
  onHostKeyAccepted: (node: string, key: PresentedHostKey, bastion: boolean) => void;
}

/** Runs the pre-flight checks on every target (one connection each, reused for every step). */
export async function runChecks(
  targets: CheckTarget[],
  options: CheckRunOptions,
): Promise<Map<string, CheckDraft[]>> {
  const outcomes = await mapLimit(targets, options.concurrency, (target) =>
    checkOne(target, options),
  );
  const results = new Map(
    targets.map((target, index) => [target.name, outcomes[index]?.drafts ?? []]),
  );
  const identities = outcomes.flatMap((outcome) => (outcome.identity ? [outcome.identity] : []));
  for (const [node, drafts] of evaluateFleet(identities)) results.get(node)?.push(...drafts);
  return results;
}

async function checkOne(
  target: CheckTarget,
  options: CheckRunOptions,
): Promise<{ drafts: CheckDraft[]; identity?: NodeIdentity }> {
  let session: SshSession;
  try {
    session = await SshSession.open(target.endpoint, {
      connectTimeoutMs: options.connectTimeoutMs,
      bastion: target.bastion ?? undefined,
    });
  } catch (error) {
    return { drafts: connectionFailure(error) };
  }
  try {
    const refused = pinRefusal(target, session, options);
    if (refused) return { drafts: refused };
    const drafts = [
      draft("ssh.reachable", "Reachable over SSH", "pass", `${session.target} answers`),
      draft(
        "ssh.host-key",
        "Host key trusted",
        "pass",
        `${session.hostKey.type} ${session.hostKey.fingerprint} matches the pinned key`,
        presented(session.hostKey),
      ),
      draft("ssh.auth", "Authenticated", "pass", `logged in as ${target.endpoint.username}`),
    ];
    const shell = new RootShell(session, target.privilege, target.sudoPassword);
    const before = Date.now();
    let output: string;
    try {
      output = (await shell.check(factsScript(), { timeoutMs: options.commandTimeoutMs ?? 30_000 }))
        .stdout;
    } catch (error) {
      return { drafts: [...drafts, commandFailure(error)] };
    }
    const facts = parseFacts(output);
    drafts.push(...evaluateNode(facts, target.role, (before + Date.now()) / 2000));
    drafts.push(
      ...(await probeRegistry(session, {
        registryAddress: target.registryAddress,
        scheme: options.scheme,
        tls: { caPem: options.caPem, skipVerify: options.skipVerify },
        files: target.files,
        sample: options.sample,
      })),
    );
    return {
      drafts,
      identity: { node: target.name, hostname: facts.hostname, machineId: facts.machineId },
    };
  } finally {
    session.close();
  }
}

/** Pins a key accepted as expected; refused when another node has that key (the same host). */
function pinRefusal(
  target: CheckTarget,
  session: SshSession,
  options: CheckRunOptions,
): CheckDraft[] | null {
  if (target.endpoint.hostKey.pinned) return null;
  try {
    options.onHostKeyAccepted(target.name, session.hostKey, false);
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return [
      draft("ssh.reachable", "Reachable over SSH", "pass", `${session.target} answers`),
      draft("ssh.host-key", "Host key trusted", "fail", message, presented(session.hostKey)),
    ];
  }
}

function presented(key: PresentedHostKey): string {
  return `presented: ${key.type} ${key.fingerprint}`;
}

/** A failed connection says which step failed: reaching the host, its key, or logging in. */
function connectionFailure(error: unknown): CheckDraft[] {
  const message = error instanceof Error ? error.message : String(error);
  if (!(error instanceof SshError))
    return [draft("ssh.reachable", "Reachable over SSH", "fail", message)];
  const reached = draft("ssh.reachable", "Reachable over SSH", "pass", `${error.target} answers`);
  const key = error.details.presented as PresentedHostKey | undefined;
  switch (error.kind) {
    case "host-key-unknown":
    case "host-key-changed":
    case "host-key-mismatch":
      return [
        reached,
        draft("ssh.host-key", "Host key trusted", "fail", message, key ? presented(key) : ""),
      ];
    case "auth":
    case "passphrase":
      // a key that cannot be read fails before any connection: nothing is known of the host
      if (error.details.beforeConnect) return [draft("ssh.auth", "Authenticated", "fail", message)];
      return [
        reached,
        draft("ssh.host-key", "Host key trusted", "pass", "the pinned key matches"),
        draft("ssh.auth", "Authenticated", "fail", message),
      ];
    default:
      return [draft("ssh.reachable", "Reachable over SSH", "fail", message, error.kind)];
  }
}

/**
 * The facts script failed: sudo's own refusals are a privilege problem; anything else (a timeout,
 * say, on a hung mount, or a dropped connection) is reported as what it is.
 */
function commandFailure(error: unknown): CheckDraft {
  const message = error instanceof Error ? error.message : String(error);
  const evidence = error instanceof SshError ? String(error.details.stderr ?? "") : "";
  if (error instanceof SshError && error.kind.startsWith("sudo"))
    return draft("privilege.root", "Root or working sudo", "fail", message, evidence);
  return draft(
    "facts.gather",
    "Node facts gathered",
    "fail",
    `the facts script (id, os-release, uname, df, …) did not finish: ${message}`,
    evidence,
  );
}
