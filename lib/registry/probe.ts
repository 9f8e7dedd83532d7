/**
 * "Test the registry": one GET /v2/ with the settings' TLS and credentials, told as a person reads
 * it — reachable or not, the TLS problem by name, credentials accepted or refused.
 */
import { RegistryClient, type RegistryConnection } from "./client";
import { RegistryError } from "./errors";

export interface RegistryTestResult {
  /** everything worked: reachable, TLS verified (or skipped as asked), credentials accepted */
  ok: boolean;
  url: string;
  /** the node the connection went through, or null */
  via: string | null;
  reachable: boolean;
  tls: "not used" | "verified" | "not verified (skip-verify)" | "failed";
  auth: "none needed" | "accepted" | "refused" | "required" | "unknown";
  /** the /v2/ answer: HTTP status and Docker-Distribution-API-Version header */
  v2: { status: number; apiVersion: string | null } | null;
  /** one sentence: what was found, and what to do about a problem */
  summary: string;
}

const TEST_TIMEOUT_MS = 10_000;

/** Tests the registry at `connection` (through `via` when its `connect` opens a tunnel). */
export async function testRegistry(
  connection: RegistryConnection,
  via: string | null = null,
): Promise<RegistryTestResult> {
  const https = connection.url.startsWith("https:");
  const client = new RegistryClient({
    ...connection,
    attempts: 1,
    idleTimeoutMs: TEST_TIMEOUT_MS,
  });
  const base = { url: connection.url, via };
  const tls = !https
    ? "not used"
    : connection.insecureSkipVerify
      ? "not verified (skip-verify)"
      : "verified";
  const hasCredentials = connection.credentials !== undefined;
  try {
    const v2 = await client.root(AbortSignal.timeout(TEST_TIMEOUT_MS * 2));
    if (v2.status === 200) {
      const auth = hasCredentials ? "accepted" : "none needed";
      const words = hasCredentials ? "the credentials were accepted" : "no credentials needed";
      return {
        ...base,
        ok: true,
        reachable: true,
        tls,
        auth,
        v2,
        summary: `The registry answers /v2/ (HTTP 200): ${words}.`,
      };
    }
    return {
      ...base,
      ok: false,
      reachable: true,
      tls,
      auth: hasCredentials ? "refused" : "required",
      v2,
      summary: hasCredentials
        ? "The registry refused the credentials (HTTP 401): check the user name and password or the token."
        : "The registry asks for credentials (HTTP 401): add a user name and password or a token.",
    };
  } catch (error) {
    return { ...base, ...failure(error, https, tls, via) };
  } finally {
    client.close();
  }
}

type Failure = Pick<RegistryTestResult, "ok" | "reachable" | "tls" | "auth" | "v2" | "summary">;

function failure(
  error: unknown,
  https: boolean,
  tls: RegistryTestResult["tls"],
  via: string | null,
): Failure {
  if (error instanceof RegistryError && error.errorCode === "unauthorized:registry") {
    return {
      ok: false,
      reachable: true,
      tls,
      auth: "refused",
      v2: error.registryStatus ? { status: error.registryStatus, apiVersion: null } : null,
      summary: `The registry refused the credentials: ${error.message}.`,
    };
  }
  if (error instanceof RegistryError && error.registryStatus !== undefined) {
    return {
      ok: false,
      reachable: true,
      tls,
      auth: "unknown",
      v2: { status: error.registryStatus, apiVersion: null },
      summary: `The address answers, but not as a registry does: ${error.message}.`,
    };
  }
  const cause = (error instanceof RegistryError ? error.cause : error) as
    | { code?: unknown; message?: unknown }
    | undefined;
  const code = typeof cause?.code === "string" ? cause.code : "";
  const message = typeof cause?.message === "string" ? cause.message : String(error);
  const tlsProblem = tlsWords(code, message, https);
  if (tlsProblem) {
    return {
      ok: false,
      reachable: true,
      tls: "failed",
      auth: "unknown",
      v2: null,
      summary: tlsProblem,
    };
  }
  const through = via ? ` from node ${via}` : "";
  return {
    ok: false,
    reachable: false,
    tls,
    auth: "unknown",
    v2: null,
    summary: `The registry cannot be reached${through}: ${message}${code && !message.includes(code) ? ` (${code})` : ""}.`,
  };
}

/** TLS failures by name, with what to do; null when the failure is not TLS's. */
function tlsWords(code: string, message: string, https: boolean): string | null {
  const named: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: "its certificate is self-signed",
    SELF_SIGNED_CERT_IN_CHAIN: "its certificate chain ends in a CA the console does not trust",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "its certificate is signed by a CA the console does not trust",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
      "its certificate is signed by a CA the console does not trust",
    CERT_HAS_EXPIRED: "its certificate has expired",
    CERT_NOT_YET_VALID: "its certificate is not valid yet",
    ERR_TLS_CERT_ALTNAME_INVALID: "its certificate is not for this address",
  };
  const what = named[code];
  if (what) {
    return `TLS failed (${code}): ${what}. Paste the CA that signed it, or turn on skip-verify.`;
  }
  if (
    https &&
    (code === "EPROTO" || /wrong version number|packet length too long/i.test(message))
  ) {
    return `TLS failed (${code || "EPROTO"}): the registry does not speak https on this port; try scheme http.`;
  }
  return null;
}
