/**
 * Runs before every route — pages, static files, the API: refuses foreign hosts and cross-site
 * writes, refuses methods pages do not take, and sets the security headers (a fresh CSP nonce per
 * page request, which Next.js puts on its own scripts).
 */
import { randomBytes } from "node:crypto";
import { type NextRequest, NextResponse } from "next/server";
import { consoleEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { appErrorResponse } from "@/lib/http/errors";
import { ALLOWED_METHODS, methodNotAllowed, PAGE_METHODS } from "@/lib/http/methods";
import { requestRefusal } from "@/lib/http/origin";
import {
  API_HEADERS,
  pageContentSecurityPolicy,
  SECURITY_HEADERS,
} from "@/lib/http/security-headers";

export function proxy(request: NextRequest): Response {
  const { pathname } = request.nextUrl;
  const api = pathname.startsWith("/api/") || pathname === "/api";
  const refusal = refusalOf(request, api);
  if (refusal) return withHeaders(appErrorResponse(refusal), API_HEADERS);
  if (api) return withHeaders(NextResponse.next(), API_HEADERS);
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

function refusalOf(request: NextRequest, api: boolean): AppError | null {
  const refusal = requestRefusal(request, consoleEnv().host);
  if (refusal) return new AppError("forbidden:host", refusal);
  const allowed = api ? ALLOWED_METHODS : PAGE_METHODS;
  return allowed.has(request.method) ? null : methodNotAllowed(request.method, allowed);
}

function withHeaders(response: Response, extra: Readonly<Record<string, string>>): Response {
  for (const [name, value] of Object.entries({ ...SECURITY_HEADERS, ...extra })) {
    response.headers.set(name, value);
  }
  return response;
}
