import { shellQuote } from "@/lib/ssh/quote";
import type { WireRequest } from "./http-wire";

/**
 * When the node's sshd refuses TCP forwarding, the same request is made by curl or wget on the
 * node. A custom CA is passed on stdin (/dev/stdin), so nothing is written to the node.
 * Prints the HTTP status, or `no-http-client`.
 */
export function fallbackHttpCommand(
  request: WireRequest,
  tls: { hasCa: boolean; skipVerify: boolean },
): string {
  const url = shellQuote(request.url.toString());
  const headers = Object.entries(request.headers ?? {});
  const head = request.method === "HEAD";
  const curl = [
    "curl -sS -o /dev/null -w '%{http_code}' --max-time 10",
    head ? "-I" : "",
    tls.skipVerify ? "-k" : "",
    tls.hasCa ? "--cacert /dev/stdin" : "",
    ...headers.map(([name, value]) => `-H ${shellQuote(`${name}: ${value}`)}`),
    url,
  ];
  const wget = [
    "wget -q -S -O /dev/null -T 10",
    head ? "--spider" : "",
    tls.skipVerify ? "--no-check-certificate" : "",
    tls.hasCa ? "--ca-certificate=/dev/stdin" : "",
    ...headers.map(([name, value]) => `--header=${shellQuote(`${name}: ${value}`)}`),
    url,
  ];
  const join = (parts: string[]) => parts.filter(Boolean).join(" ");
  return [
    "if command -v curl >/dev/null 2>&1; then",
    `  ${join(curl)}`,
    "elif command -v wget >/dev/null 2>&1; then",
    `  ${join(wget)} 2>&1 | awk '/^ *HTTP\\// {code=$2} END {print code}'`,
    "else echo no-http-client; fi",
  ].join("\n");
}

/** The status printed by fallbackHttpCommand, or why there is none. */
/** `stderr`: why curl or wget failed ("Could not resolve host…"), shown when there is no answer */
export function parseFallbackOutput(
  stdout: string,
  stderr = "",
): { status: number } | { error: string } {
  const text = stdout.trim();
  if (text === "no-http-client")
    return {
      error: "TCP forwarding is disabled and neither curl nor wget is installed on the node",
    };
  const status = Number(text.slice(-3));
  return Number.isInteger(status) && status > 0
    ? { status }
    : { error: `no HTTP answer (${text || "connection failed"})${why(stderr)}` };
}

/** curl's or wget's own last words, e.g. ": curl: (7) Failed to connect …" */
function why(stderr: string): string {
  const last = stderr.trim().split("\n").at(-1)?.trim();
  return last ? `: ${last}` : "";
}
