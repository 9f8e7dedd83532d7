/**
 * Runs before every page and static file: refuses foreign hosts and cross-site writes, refuses
 * methods pages do not take, and sets the security headers (a fresh CSP nonce per page request,
 * which Next.js puts on its own scripts). Not on /api/*: Next.js would buffer each request body
 * for a proxy (uploads are streamed); apiRoute makes the same checks there, and the front door
 * (lib/http/front-door.ts) sets the API's headers.
 */
import { randomBytes } from "node:crypto";
import { type NextRequest, NextResponse } from "next/server";
import { consoleEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { appErrorResponse } from "@/lib/http/errors";
import { methodNotAllowed, PAGE_METHODS } from "@/lib/http/methods";
import { requestRefusal } from "@/lib/http/origin";
import {
  API_HEADERS,
  pageContentSecurityPolicy,
  SECURITY_HEADERS,
} from "@/lib/http/security-headers";

export const config = { matcher: "/((?!api/).*)" };

export function proxy(request: NextRequest): Response {
  const refusal = refusalOf(request);
  if (refusal) return withHeaders(appErrorResponse(refusal), API_HEADERS);
  const csp = pageContentSecurityPolicy(
    randomBytes(16).toString("base64"),
    process.env.NODE_ENV === "development",
  );
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", csp); // Next.js reads the nonce from here
  return withHeaders(NextResponse.next({ request: { headers } }), {
    "content-security-policy": csp,
  });
}

function refusalOf(request: NextRequest): AppError | null {
  const refusal = requestRefusal(request, consoleEnv().host);
  if (refusal) return new AppError("forbidden:host", refusal);
  return PAGE_METHODS.has(request.method) ? null : methodNotAllowed(request.method, PAGE_METHODS);
}

function withHeaders(response: Response, extra: Readonly<Record<string, string>>): Response {
  for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...extra })) {
    response.headers.set(name, value);
  }
  return response;
}
