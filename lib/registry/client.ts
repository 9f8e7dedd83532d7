import { createHash } from "node:crypto";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Duplex } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { connect as tlsConnect } from "node:tls";
import {
  backoffMs,
  CATALOG_SCOPE,
  type Challenge,
  isTransientStatus,
  nextLink,
  parseChallenges,
  repositoryScope,
  tokenFromResponse,
  tokenUrl,
} from "./auth-header";
import { RegistryError } from "./errors";
import { MANIFEST_ACCEPT } from "./media-types";
import { registryPaths, uploadCompletionUrl } from "./reference";

/**
 * The console's one OCI distribution client: http or https (own CA or skip-verify), basic or
 * token credentials with the distribution token flow (tokens cached per scope), retries with
 * backoff for transient failures (5xx, 429, dropped connections), never for auth failures.
 */

export type RegistryCredentials = { username: string; password: string } | { token: string };

export interface RegistryConnection {
  /** http://host:port or https://host:port */
  url: string;
  /** PEM of the CA that signed the registry's certificate */
  ca?: string;
  insecureSkipVerify?: boolean;
  credentials?: RegistryCredentials;
  /** attempts per request for transient failures (default 4) */
  attempts?: number;
  /** first backoff (default 250 ms), doubled each retry */
  backoffBaseMs?: number;
  /** no answer (headers or body progress) for this long fails the request (default 60 s) */
  idleTimeoutMs?: number;
  /** most parallel connections (default 16) */
  maxSockets?: number;
  /**
   * Opens a byte stream to the registry's host:port in place of a direct TCP connection (e.g. an
   * SSH direct-tcpip channel from a node that can reach it); TLS, when https, runs over it.
   */
  connect?: () => Promise<Duplex>;
}

/** A request body: bytes, or a stream that `open()` gives (again, when `replayable`). */
export type Body =
  | Uint8Array
  | { length: number; open: () => AsyncIterable<Uint8Array>; replayable: boolean };

interface RequestOptions {
  method: string;
  /** path and query below the base URL, or an absolute URL the registry gave (Location) */
  path: string;
  scope?: string;
  headers?: Record<string, string>;
  body?: Body;
  /** statuses that are an answer (anything else becomes a RegistryError) */
  expect: number[];
  signal?: AbortSignal;
  onBytes?: (bytes: number) => void;
  /** what the error should name */
  repository?: string;
  digest?: string;
}

/** A page of a listing; `next` is the path of the following one (the Link header), if any. */
export interface Page {
  items: string[];
  next: string | undefined;
}

interface Answer {
  status: number;
  headers: IncomingMessage["headers"];
  body: Buffer;
}

const MAX_ANSWER_BYTES = 8 * 1024 * 1024;

export class RegistryClient {
  readonly base: URL;
  private readonly agent: HttpAgent | HttpsAgent;
  private readonly tokens = new Map<string, string>();
  private basicAuth = false;
  private bearer: Challenge | undefined;
  /** every blob byte sent by this client (a re-push must send none) */
  uploadedBytes = 0;

  constructor(private readonly connection: RegistryConnection) {
    this.base = new URL(connection.url);
    if (this.base.protocol !== "http:" && this.base.protocol !== "https:") {
      throw new RegistryError("bad_request:registry", `${connection.url} is not an http(s) URL`);
    }
    const options = { keepAlive: true, maxSockets: connection.maxSockets ?? 16 };
    this.agent =
      this.base.protocol === "https:"
        ? new HttpsAgent({
            ...options,
            ca: connection.ca,
            rejectUnauthorized: !connection.insecureSkipVerify,
          })
        : new HttpAgent(options);
    if (connection.connect) tunnelAgent(this.agent, connection.connect);
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET /v2/: the registry answers and the credentials work. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.send({ method: "GET", path: registryPaths.root(), expect: [200], signal });
  }

  /** GET /v2/ as it is: its status (200, or 401 when the credentials do not do) and API version. */
  async root(signal?: AbortSignal): Promise<{ status: number; apiVersion: string | null }> {
    const answer = await this.send({
      method: "GET",
      path: registryPaths.root(),
      expect: [200, 401],
      signal,
    });
    return {
      status: answer.status,
      apiVersion: headerValue(answer, "docker-distribution-api-version") ?? null,
    };
  }

  async hasBlob(repository: string, digest: string, signal?: AbortSignal): Promise<boolean> {
    const answer = await this.send({
      method: "HEAD",
      path: registryPaths.blob(repository, digest),
      scope: repositoryScope(repository, ["pull", "push"]),
      expect: [200, 404],
      signal,
      repository,
      digest,
    });
    return answer.status === 200;
  }

  /** Cross-repository mount: true when mounted (201); false when the registry wants an upload. */
  async mountBlob(
    repository: string,
    digest: string,
    from: string,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const answer = await this.send({
      method: "POST",
      path: registryPaths.mount(repository, digest, from),
      scope: `${repositoryScope(repository, ["pull", "push"])} ${repositoryScope(from, ["pull"])}`,
      expect: [201, 202],
      signal,
      repository,
      digest,
    });
    if (answer.status === 202) await this.cancelUpload(answer, signal);
    return answer.status === 201;
  }

  /**
   * Uploads a blob: POST a session, then one PUT `?digest=` with the body streamed (never held
   * whole). The registry checks the digest. A replayable body is retried whole on transient failures.
   */
  async uploadBlob(
    repository: string,
    digest: string,
    body: Body,
    options: { signal?: AbortSignal; onBytes?: (bytes: number) => void } = {},
  ): Promise<void> {
    const scope = repositoryScope(repository, ["pull", "push"]);
    const common = { scope, signal: options.signal, repository, digest };
    const started = await this.send({
      ...common,
      method: "POST",
      path: registryPaths.uploads(repository),
      expect: [202],
    });
    const location = headerValue(started, "location");
    if (!location) {
      throw new RegistryError(
        "upstream:registry",
        `the registry gave no upload location for ${repository}`,
        {
          repository,
          digest,
        },
      );
    }
    const length = body instanceof Uint8Array ? body.length : body.length;
    await this.send({
      ...common,
      method: "PUT",
      path: uploadCompletionUrl(location, this.base.href, digest).href,
      headers: { "content-type": "application/octet-stream", "content-length": String(length) },
      body,
      expect: [201],
      onBytes: (bytes) => {
        this.uploadedBytes += bytes;
        options.onBytes?.(bytes);
      },
    });
  }

  async putManifest(
    repository: string,
    reference: string,
    mediaType: string,
    bytes: Uint8Array,
    signal?: AbortSignal,
  ): Promise<string> {
    const answer = await this.send({
      method: "PUT",
      path: registryPaths.manifest(repository, reference),
      scope: repositoryScope(repository, ["pull", "push"]),
      headers: { "content-type": mediaType },
      body: bytes,
      expect: [201],
      signal,
      repository,
      digest: reference.startsWith("sha256:") ? reference : undefined,
    });
    return headerValue(answer, "docker-content-digest") ?? sha256(bytes);
  }

  /** HEAD a manifest: its digest, media type and size, or undefined when absent. */
  async headManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; size: number } | undefined> {
    const answer = await this.send({
      method: "HEAD",
      path: registryPaths.manifest(repository, reference),
      scope: repositoryScope(repository, ["pull"]),
      headers: { accept: MANIFEST_ACCEPT },
      expect: [200, 404],
      signal,
      repository,
    });
    if (answer.status === 404) return undefined;
    return {
      digest: headerValue(answer, "docker-content-digest") ?? "",
      mediaType: headerValue(answer, "content-type") ?? "",
      size: Number(headerValue(answer, "content-length") ?? 0),
    };
  }

  /** GET a manifest with the Accept header of every type we push (no conversion). */
  async getManifest(
    repository: string,
    reference: string,
    signal?: AbortSignal,
  ): Promise<{ digest: string; mediaType: string; bytes: Buffer }> {
    const answer = await this.send({
      method: "GET",
      path: registryPaths.manifest(repository, reference),
      scope: repositoryScope(repository, ["pull"]),
      headers: { accept: MANIFEST_ACCEPT },
      expect: [200],
      signal,
      repository,
    });
    return {
      digest: headerValue(answer, "docker-content-digest") ?? sha256(answer.body),
      mediaType: headerValue(answer, "content-type") ?? "",
      bytes: answer.body,
    };
  }

  /** Every repository, page by page (`_catalog?n=`, then the Link header's next page). */
  catalog(pageSize = 100, signal?: AbortSignal): AsyncGenerator<string> {
    return this.pages(registryPaths.catalog(pageSize), CATALOG_SCOPE, "repositories", signal);
  }

  /** Every tag of a repository, page by page. */
  tags(repository: string, pageSize = 100, signal?: AbortSignal): AsyncGenerator<string> {
    return this.pages(
      registryPaths.tags(repository, pageSize),
      repositoryScope(repository, ["pull"]),
      "tags",
      signal,
    );
  }

  /** One page of `_catalog` after `last`: its repositories, and whether more follow. */
  catalogPage(pageSize: number, last?: string, signal?: AbortSignal): Promise<Page> {
    return this.page(registryPaths.catalog(pageSize, last), CATALOG_SCOPE, "repositories", signal);
  }

  /** One page of a repository's tags after `last`. */
  tagsPage(repository: string, pageSize: number, last?: string, signal?: AbortSignal) {
    const scope = repositoryScope(repository, ["pull"]);
    return this.page(registryPaths.tags(repository, pageSize, last), scope, "tags", signal);
  }

  private async *pages(
    first: string,
    scope: string,
    field: "repositories" | "tags",
    signal?: AbortSignal,
  ): AsyncGenerator<string> {
    let path: string | undefined = first;
    while (path !== undefined) {
      const page = await this.page(path, scope, field, signal);
      yield* page.items;
      path = page.next;
    }
  }

  private async page(
    path: string,
    scope: string,
    field: "repositories" | "tags",
    signal?: AbortSignal,
  ): Promise<Page> {
    const answer = await this.send({ method: "GET", path, scope, expect: [200], signal });
    const list = (parseJson(answer.body) as Record<string, unknown> | undefined)?.[field];
    const items = Array.isArray(list) ? list.filter((item) => typeof item === "string") : [];
    return { items, next: nextLink(headerValue(answer, "link")) };
  }

  private async cancelUpload(answer: Answer, signal?: AbortSignal): Promise<void> {
    const location = headerValue(answer, "location");
    if (!location) return;
    await this.send({
      method: "DELETE",
      path: new URL(location, this.base).href,
      expect: [204, 404],
      signal,
    }).catch(() => undefined); // an abandoned session expires on its own
  }

  /** One request with auth and retries. */
  private async send(options: RequestOptions): Promise<Answer> {
    const attempts = this.connection.attempts ?? 4;
    const replayable = !(
      options.body &&
      !(options.body instanceof Uint8Array) &&
      !options.body.replayable
    );
    let authRetried = false;
    for (let attempt = 1; ; attempt++) {
      options.signal?.throwIfAborted();
      let answer: Answer;
      try {
        answer = await this.once(options);
      } catch (error) {
        if (options.signal?.aborted) throw options.signal.reason;
        if (error instanceof RegistryError) throw error;
        const transient = isTransientNetworkError(error);
        const failure = new RegistryError(
          "upstream:registry",
          `${options.method} ${describePath(options.path)}: ${(error as Error).message}`,
          { transient, cause: error, repository: options.repository, digest: options.digest },
        );
        if (!transient || !replayable || attempt >= attempts) throw failure;
        await this.pause(attempt, undefined, options.signal);
        continue;
      }
      if (answer.status === 401 && !authRetried && (await this.authenticate(answer, options))) {
        authRetried = true;
        if (!replayable) throw this.failure(answer, options); // a stream cannot be sent twice
        attempt--;
        continue;
      }
      if (options.expect.includes(answer.status)) return answer;
      const failure = this.failure(answer, options);
      if (!failure.transient || !replayable || attempt >= attempts) throw failure;
      await this.pause(attempt, headerValue(answer, "retry-after"), options.signal);
    }
  }

  private pause(attempt: number, retryAfter: string | undefined, signal?: AbortSignal) {
    const ms = backoffMs(attempt, this.connection.backoffBaseMs ?? 250, Math.random(), retryAfter);
    return sleep(ms, undefined, { signal });
  }

  /** After a 401: learn the scheme; fetch a token for the scope. False when nothing can help. */
  private async authenticate(answer: Answer, options: RequestOptions): Promise<boolean> {
    const challenges = parseChallenges(headerValue(answer, "www-authenticate") ?? "");
    const bearer = challenges.find((c) => c.scheme === "bearer");
    const credentials = this.connection.credentials;
    if (bearer) {
      this.bearer = bearer;
      if (credentials && "token" in credentials) return false; // a static token was refused
      const scope = options.scope ?? bearer.params.scope ?? "";
      const had = this.tokens.get(scope);
      const token = await this.fetchToken(bearer, scope, options.signal);
      this.tokens.set(scope, token);
      return token !== had;
    }
    if (challenges.some((c) => c.scheme === "basic") && credentials && "username" in credentials) {
      if (this.basicAuth) return false;
      this.basicAuth = true;
      return true;
    }
    return false;
  }

  private async fetchToken(challenge: Challenge, scope: string, signal?: AbortSignal) {
    const url = tokenUrl(challenge, scope || undefined);
    const headers: Record<string, string> = {};
    const credentials = this.connection.credentials;
    if (credentials && "username" in credentials) headers.authorization = basic(credentials);
    const answer = await this.once({
      method: "GET",
      path: url.href,
      headers,
      expect: [200],
      signal,
    });
    const token = answer.status === 200 ? tokenFromResponse(parseJson(answer.body)) : undefined;
    if (token === undefined) {
      throw new RegistryError(
        "unauthorized:registry",
        `the registry's token service ${url.origin}${url.pathname} refused the credentials (HTTP ${answer.status})`,
        { registryStatus: answer.status },
      );
    }
    return token;
  }

  private authorization(scope: string | undefined): string | undefined {
    const credentials = this.connection.credentials;
    if (credentials && "token" in credentials) return `Bearer ${credentials.token}`;
    if (this.bearer) {
      const token = this.tokens.get(scope ?? this.bearer.params.scope ?? "");
      return token ? `Bearer ${token}` : undefined;
    }
    if (this.basicAuth && credentials) return basic(credentials);
    return undefined;
  }

  /** One HTTP exchange. Only the registry's own URLs get credentials (a Location elsewhere does not). */
  private once(options: RequestOptions): Promise<Answer> {
    const url = new URL(options.path, this.base);
    const headers: Record<string, string> = { ...options.headers };
    const sameOrigin = url.origin === this.base.origin;
    if (sameOrigin && !headers.authorization) {
      const auth = this.authorization(options.scope);
      if (auth) headers.authorization = auth;
    }
    const body = options.body;
    if (body instanceof Uint8Array) headers["content-length"] = String(body.length);
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const agent = sameOrigin ? this.agent : undefined;
    return new Promise<Answer>((resolve, reject) => {
      const req = send(url, {
        method: options.method,
        headers,
        agent,
        signal: options.signal,
        timeout: this.connection.idleTimeoutMs ?? 60_000,
        ...(sameOrigin
          ? {}
          : { ca: this.connection.ca, rejectUnauthorized: !this.connection.insecureSkipVerify }),
      });
      const timeout = new Error("no answer in time");
      let timedOut = false;
      req.on("timeout", () => {
        timedOut = true;
        req.destroy(timeout);
      });
      // a tunnel's channel closes without an error of its own: the hang-up is the timeout's
      req.on("error", (error) => reject(timedOut ? timeout : error));
      req.on("response", (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_ANSWER_BYTES) res.destroy(new Error("the answer is too large"));
          else chunks.push(chunk);
        });
        res.on("error", reject);
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
      });
      if (body === undefined || body instanceof Uint8Array) {
        req.end(body, () => options.onBytes?.(body?.length ?? 0));
        return;
      }
      writeStream(req, body.open(), options.onBytes).then(
        () => req.end(),
        (error: unknown) => req.destroy(error as Error),
      );
    });
  }

  private failure(answer: Answer, options: RequestOptions): RegistryError {
    const first = (parseJson(answer.body) as { errors?: { code?: string; message?: string }[] })
      ?.errors?.[0];
    const said = first
      ? `${first.code ?? ""}${first.message ? ` ${first.message}` : ""}`.trim()
      : "";
    const what = `${options.method} ${describePath(options.path)}`;
    const status = answer.status;
    const type = status === 401 || status === 403 ? "unauthorized" : "upstream";
    const message =
      status === 401
        ? `the registry refused the credentials for ${what} (HTTP 401${said ? `: ${said}` : ""})`
        : `${what}: HTTP ${status}${said ? ` ${said}` : ""}`;
    return new RegistryError(`${type}:registry`, message, {
      registryCode: first?.code,
      registryStatus: status,
      repository: options.repository,
      digest: options.digest,
      transient: isTransientStatus(status),
    });
  }
}

type CreateConnection = (
  options: Record<string, unknown>,
  done: (error: Error | null, socket?: Duplex) => void,
) => undefined;

/**
 * Makes the agent open its connections with `connect` (asynchronously: Node's agent takes the
 * socket from the callback); https runs TLS over the opened stream, with the agent's CA options.
 */
function tunnelAgent(agent: HttpAgent | HttpsAgent, connect: () => Promise<Duplex>): void {
  const tls = agent instanceof HttpsAgent;
  const createConnection: CreateConnection = (options, done) => {
    connect().then(
      // a TLS failure then reaches the request as its socket's error, as with a direct connection
      (stream) => done(null, tls ? tlsConnect({ ...options, socket: stream }) : socketLike(stream)),
      (error: Error) => done(error),
    );
    return undefined;
  };
  (agent as unknown as { createConnection: CreateConnection }).createConnection = createConnection;
}

/**
 * The socket methods Node's http client calls, on a stream that is not a socket (an SSH channel):
 * an idle timer that each chunk read or written restarts, and no-ops for the TCP options.
 */
function socketLike(stream: Duplex): Duplex {
  let timer: NodeJS.Timeout | undefined;
  const restart = () => timer?.refresh();
  stream.prependListener("data", restart);
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  const setTimeout = (ms: number, onTimeout?: () => void) => {
    clearTimeout(timer);
    timer = ms > 0 ? globalThis.setTimeout(() => stream.emit("timeout"), ms).unref() : undefined;
    if (onTimeout) stream.once("timeout", onTimeout);
    return stream;
  };
  stream.once("close", () => clearTimeout(timer));
  const self = () => stream;
  return Object.assign(stream, {
    setTimeout,
    write: (...args: unknown[]) => {
      restart();
      return write(...args);
    },
    setNoDelay: self,
    setKeepAlive: self,
    ref: self,
    unref: self,
  });
}

/** Writes chunks with backpressure, counting bytes. */
async function writeStream(
  req: import("node:http").ClientRequest,
  chunks: AsyncIterable<Uint8Array>,
  onBytes?: (bytes: number) => void,
): Promise<void> {
  for await (const chunk of chunks) {
    if (req.destroyed) return;
    if (!req.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off("drain", done);
          req.off("close", done);
          resolve();
        };
        req.on("drain", done);
        req.on("close", done);
      });
    }
    onBytes?.(chunk.length);
  }
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
]);

/** A dropped or refused connection is worth another try; a certificate the CA does not sign is not. */
function isTransientNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") return TRANSIENT_CODES.has(code);
  return /socket hang up|no answer in time/.test((error as Error).message ?? "");
}

function headerValue(answer: Answer, name: string): string | undefined {
  const value = answer.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString("utf8"));
  } catch {
    return undefined;
  }
}

function basic(credentials: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64")}`;
}

/** A path for an error message, without an upload session's state query. */
function describePath(path: string): string {
  const url = new URL(path, "http://registry.invalid");
  return url.pathname;
}

export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}
