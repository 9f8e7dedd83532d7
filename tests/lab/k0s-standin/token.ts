import { createHash, randomBytes } from "node:crypto";
import { gunzipSync, gzipSync } from "node:zlib";
import { parse, stringify } from "yaml";

/**
 * Join tokens shaped like k0s's: base64 of a gzipped kubeconfig whose server is the controller's
 * API (6443 for workers, 9443 — k0s's join API — for controllers) and whose user is
 * `kubelet-bootstrap` (worker) or `controller-bootstrap` (controller), with a bootstrap token.
 * The stand-in adds `k0s-standin` fields (role, expiry, issuer) so the joining side can check them.
 */

export type TokenRole = "worker" | "controller";

export interface JoinToken {
  role: TokenRole;
  /** https://<controller address>:<6443|9443> */
  server: string;
  /** the controller's address (host part of server) */
  controller: string;
  /** bootstrap token id.secret */
  token: string;
  /** ISO time, or undefined for no expiry (k0s's default --expiry 0s) */
  expires: string | undefined;
  /** hostname of the controller that issued it */
  issuer: string;
}

const USER: Record<TokenRole, string> = {
  worker: "kubelet-bootstrap",
  controller: "controller-bootstrap",
};
const PORT: Record<TokenRole, number> = { worker: 6443, controller: 9443 };

/** A fake CA the kubeconfig carries (k0s embeds the cluster CA; nothing verifies this one). */
function fakeCa(issuer: string): string {
  const body = createHash("sha256").update(`k0s-standin-ca:${issuer}`).digest("base64");
  return Buffer.from(
    `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`,
    "utf8",
  ).toString("base64");
}

export function createJoinToken(input: {
  role: TokenRole;
  controller: string;
  issuer: string;
  expires: string | undefined;
}): { text: string; token: JoinToken } {
  const id = randomBytes(3).toString("hex");
  const secret = randomBytes(8).toString("hex");
  const token: JoinToken = {
    role: input.role,
    server: `https://${input.controller}:${PORT[input.role]}`,
    controller: input.controller,
    token: `${id}.${secret}`,
    expires: input.expires,
    issuer: input.issuer,
  };
  const kubeconfig = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: "k0s",
        cluster: { server: token.server, "certificate-authority-data": fakeCa(input.issuer) },
      },
    ],
    contexts: [{ name: "k0s", context: { cluster: "k0s", user: USER[input.role] } }],
    "current-context": "k0s",
    preferences: {},
    users: [{ name: USER[input.role], user: { token: token.token } }],
    "k0s-standin": { role: token.role, expires: token.expires ?? null, issuer: token.issuer },
  };
  const text = gzipSync(Buffer.from(stringify(kubeconfig), "utf8")).toString("base64");
  return { text, token };
}

/** Decode and check a token's shape; throws with a k0s-like message when it is not one. */
export function decodeJoinToken(text: string): JoinToken {
  const trimmed = text.trim();
  if (trimmed === "") throw new Error("the join token is empty");
  let kubeconfig: unknown;
  try {
    kubeconfig = parse(gunzipSync(Buffer.from(trimmed, "base64")).toString("utf8"));
  } catch (error) {
    throw new Error(`failed to decode join token: ${(error as Error).message}`);
  }
  const doc = kubeconfig as {
    clusters?: { cluster?: { server?: unknown } }[];
    users?: { name?: unknown; user?: { token?: unknown } }[];
    "k0s-standin"?: { role?: unknown; expires?: unknown; issuer?: unknown };
  };
  const server = doc.clusters?.[0]?.cluster?.server;
  const user = doc.users?.[0];
  if (typeof server !== "string" || typeof user?.user?.token !== "string") {
    throw new Error("failed to decode join token: not a kubeconfig with a server and a token");
  }
  const role: TokenRole | undefined =
    user.name === USER.worker ? "worker" : user.name === USER.controller ? "controller" : undefined;
  if (!role) throw new Error(`failed to decode join token: unknown token user "${user.name}"`);
  const meta = doc["k0s-standin"] ?? {};
  return {
    role,
    server,
    controller: new URL(server).hostname,
    token: user.user.token,
    expires: typeof meta.expires === "string" ? meta.expires : undefined,
    issuer: typeof meta.issuer === "string" ? meta.issuer : "",
  };
}

/** k0s/Go durations: "0s", "10m", "1h30m", "24h" → ms (0 = no expiry). */
export function parseDuration(text: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000,
  };
  if (text === "0") return 0;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join("") !== text) {
    throw new Error(
      `invalid argument "${text}" for "--expiry" flag: time: invalid duration "${text}"`,
    );
  }
  return parts.reduce((sum, [, n = "0", unit = "s"]) => sum + Number(n) * (units[unit] ?? 0), 0);
}
