import { request } from "node:http";

/** Where a registry's HTTP API answers: a unix socket or host:port reachable from this process. */
export type RegistryEndpoint = { socketPath: string } | { host: string; port: number };

export interface RegistryResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One plain-HTTP request to the registry API (`path` starts with /v2/). */
export function registryRequest(
  endpoint: RegistryEndpoint,
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer; timeoutMs?: number } = {},
): Promise<RegistryResponse> {
  const target = "socketPath" in endpoint ? { socketPath: endpoint.socketPath } : endpoint;
  const headers: Record<string, string> = { ...options.headers };
  if (options.body) headers["content-length"] = String(options.body.length);
  return new Promise((resolve, reject) => {
    const req = request({ ...target, method, path, headers, timeout: options.timeoutMs ?? 10_000 });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: timed out`)));
    req.on("error", reject);
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", reject);
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.end(options.body);
  });
}

/** Like registryRequest, but throws unless the status is one of `expected`. */
export async function registryExpect(
  endpoint: RegistryEndpoint,
  expected: number[],
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: Buffer } = {},
): Promise<RegistryResponse> {
  const res = await registryRequest(endpoint, method, path, options);
  if (!expected.includes(res.status)) {
    throw new Error(
      `${method} ${path}: HTTP ${res.status} ${res.body.toString("utf8").slice(0, 300)}`,
    );
  }
  return res;
}
