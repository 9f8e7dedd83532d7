import { createServer, type IncomingMessage, request } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * What the proxy does with one request: pass it on, fail it the way a busy registry does, or hold
 * it unanswered until the proxy stops (a registry gone quiet: what a cancel must get out of).
 */
export type Fault = "503" | "429" | "reset" | "hold" | undefined;

export interface FlakyProxy {
  url: string;
  /** every fault injected, as "METHOD path → fault" */
  injected: string[];
  stop(): Promise<void>;
}

/**
 * An HTTP proxy in front of a registry that fails the requests `fault` picks: 503, 429 with
 * Retry-After: 0, or a reset connection. Everything else is forwarded as it is (bodies streamed).
 */
export async function startFlakyProxy(
  target: string,
  fault: (req: IncomingMessage) => Fault,
): Promise<FlakyProxy> {
  const upstream = new URL(target);
  const injected: string[] = [];
  const server = createServer((req, res) => {
    const chosen = fault(req);
    if (chosen !== undefined) {
      injected.push(`${req.method} ${req.url?.split("?")[0]} → ${chosen}`);
      if (chosen === "reset") {
        req.socket.destroy();
        return;
      }
      if (chosen === "hold") return;
      req.resume();
      req.on("end", () => {
        const headers = chosen === "429" ? { "retry-after": "0" } : {};
        res.writeHead(Number(chosen), { ...headers, "content-type": "application/json" });
        res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected by the test"}]}');
      });
      return;
    }
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        // the client's Host header is kept: the registry then gives upload locations on the proxy
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forwarded.on("error", () => res.destroy());
    req.pipe(forwarded);
  });
  server.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    injected,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
