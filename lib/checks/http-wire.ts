/** Minimal HTTP/1.1 over any byte channel (an SSH direct-tcpip channel from the node). Pure. */

export interface WireRequest {
  method: "GET" | "HEAD";
  url: URL;
  headers?: Record<string, string>;
}

export function encodeRequest({ method, url, headers = {} }: WireRequest): string {
  const lines = [
    `${method} ${url.pathname}${url.search} HTTP/1.1`,
    `Host: ${url.host}`,
    "User-Agent: k0rdent-airgap-console (preflight; containerd-compatible)",
    "Connection: close",
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return `${lines.join("\r\n")}\r\n\r\n`;
}

/** The status code once the response head has arrived, or null while it is incomplete. */
export function parseResponseHead(received: string): { status: number; statusLine: string } | null {
  const end = received.indexOf("\r\n\r\n");
  if (end === -1) return null;
  const statusLine = received.slice(0, received.indexOf("\r\n"));
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match?.[1]) throw new Error(`not an HTTP response: ${statusLine.slice(0, 80)}`);
  return { status: Number(match[1]), statusLine };
}
