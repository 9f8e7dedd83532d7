import "server-only";
import { cookies } from "next/headers";
import { ZodError } from "zod";
import { authorize } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { consoleEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { SshError } from "@/lib/ssh/errors";
import { fieldIssues, joinIssues } from "@/lib/util/field-issues";
import { appErrorResponse } from "./errors";
import { requestRefusal } from "./origin";
import { API_HEADERS } from "./security-headers";

type Handler<Context> = (request: Request, context: Context) => Promise<Response>;

/**
 * Wraps an /api route: refuses foreign hosts/origins (proxy.ts does too: this holds even if a
 * matcher ever skips a route), requires the console token or a session (unless `public`), and
 * turns every error into the one answer a client sees.
 */
export function apiRoute<Context>(
  handler: Handler<Context>,
  options: { public?: boolean } = {},
): Handler<Context> {
  return async (request, context) => {
    try {
      const refusal = requestRefusal(request, consoleEnv().host);
      if (refusal) throw new AppError("forbidden:host", refusal);
      if (!options.public) authorize(request, (await cookies()).get(SESSION_COOKIE)?.value);
      return withApiHeaders(await handler(request, context));
    } catch (error) {
      return withApiHeaders(errorResponse(error));
    }
  };
}

/** The one place that decides what a client sees of an error, and what is only logged. */
function errorResponse(error: unknown): Response {
  const known = asAppError(error);
  if (known.visibility === "response") return appErrorResponse(known);
  console.error(`${known.errorCode}:`, error);
  return appErrorResponse(new AppError(known.errorCode, "internal error: see the console's log"));
}

function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // the one SSH step an API call makes itself (trusting a host key) failed: the host is the
  // problem; its details (stderr, paths) stay in the log
  if (error instanceof SshError) {
    return new AppError("upstream:ssh", error.message, { details: { kind: error.kind } });
  }
  if (error instanceof ZodError) {
    // every bad field at once, each by its label and in words (not `registries[7]`, not zod's)
    const issues = fieldIssues(error);
    return new AppError("bad_request:input", joinIssues(issues) || "invalid input", {
      details: { field: issues[0]?.field || null, issues },
    });
  }
  return new AppError("internal:api", "unexpected error in an API route", { visibility: "log" });
}

function withApiHeaders(response: Response): Response {
  try {
    for (const [name, value] of Object.entries(API_HEADERS)) response.headers.set(name, value);
    return response;
  } catch {
    // immutable headers (a fetched or redirect response): copy them
    const headers = new Headers(response.headers);
    for (const [name, value] of Object.entries(API_HEADERS)) headers.set(name, value);
    return new Response(response.body, { status: response.status, headers });
  }
}
