/**
 * What every request meets before Next.js: installed once per server process by
 * instrumentation.ts through node:diagnostics_channel (Node's documented hook on each request).
 * - Methods Next.js cannot take (TRACE makes it log a stack trace) are answered 405 here.
 * - The socket's address is stamped into PEER_HEADER for the sign-in rate limit.
 * - Every answer gets the security headers, API answers their own too (headers set here win over
 *   a route's: Next.js only adds a route's header when it is not set yet).
 */
import { randomBytes } from "node:crypto";
import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { PEER_HEADER, peerHeaderValue, setFrontDoorStamp } from "./client-address";
import { appErrorParts } from "./errors";
import { ALLOWED_METHODS, methodNotAllowed } from "./methods";
import { API_HEADERS, SECURITY_HEADERS } from "./security-headers";

type Listener = (request: IncomingMessage, response: ServerResponse) => void;
interface RequestStart {
  request: IncomingMessage;
  response: ServerResponse;
  server: Server;
}

const guarded = new WeakSet<Server>();
let installed = false;

export function installFrontDoor(): void {
  if (installed) return;
  installed = true;
  const stamp = randomBytes(16).toString("hex");
  setFrontDoorStamp(stamp);
  subscribe("http.server.request.start", (message) => {
    const { request, server } = message as RequestStart;
    request.headers[PEER_HEADER] = peerHeaderValue(stamp, request.socket.remoteAddress ?? "");
    if (!guarded.has(server)) guard(server);
  });
}

/** Puts the method check in front of the server's own request listeners (Next.js's). */
function guard(server: Server): void {
  guarded.add(server);
  const listeners = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    const method = request.method ?? "";
    if (!ALLOWED_METHODS.has(method)) {
      const refusal = appErrorParts(methodNotAllowed(method, ALLOWED_METHODS));
      response.writeHead(refusal.status, { ...refusal.headers, ...API_HEADERS });
      response.end(refusal.body);
      return;
    }
    const api = /^\/api(\/|\?|$)/.test(request.url ?? "");
    for (const [name, value] of Object.entries(api ? API_HEADERS : SECURITY_HEADERS)) {
      response.setHeader(name, value);
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}
