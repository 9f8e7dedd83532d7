import "server-only";
import { cookies } from "next/headers";
import { ZodError } from "zod";
import { isAuthorized, SESSION_COOKIE } from "@/lib/auth/session";
import { consoleToken } from "@/lib/auth/token-file";
import { consoleEnv } from "@/lib/env";
import { InventoryError } from "@/lib/inventory/errors";
import { SecretDecryptError } from "@/lib/inventory/secrets";
import { RenderInputError } from "@/lib/render/errors";
import { RunBusyError, RunInputError } from "@/lib/runs/errors";
import { SshError } from "@/lib/ssh/errors";
import { HttpError, jsonError } from "./errors";
import { requestRefusal } from "./origin";

type Handler<Context> = (request: Request, context: Context) => Promise<Response>;

/**
 * Wraps an /api route: refuses foreign hosts/origins, requires the console token (unless
 * `public`), and turns known errors into JSON responses; anything else is logged, not leaked.
 */
export function apiRoute<Context>(
  handler: Handler<Context>,
  options: { public?: boolean } = {},
): Handler<Context> {
  return async (request, context) => {
    const env = consoleEnv();
    const refusal = requestRefusal(request, env.host);
    if (refusal) return jsonError(403, refusal);
    if (!options.public) {
      const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
      if (!isAuthorized(consoleToken(env), request.headers.get("authorization"), cookie)) {
        return jsonError(401, "sign in first: send Authorization: Bearer <console token>");
      }
    }
    try {
      return await handler(request, context);
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function errorResponse(error: unknown): Response {
  if (error instanceof HttpError) return jsonError(error.status, error.message, error.details);
  if (error instanceof RenderInputError) {
    const issues = error.issues.length > 0 ? { issues: error.issues } : {};
    return jsonError(400, error.message, { field: error.field, ...issues });
  }
  if (error instanceof RunInputError) return jsonError(400, error.message);
  if (error instanceof RunBusyError) return jsonError(409, error.message);
  // says which node and what to do; holds no secret
  if (error instanceof SecretDecryptError) return jsonError(500, error.message);
  if (error instanceof InventoryError) {
    const status = { conflict: 409, not_found: 404, invalid: 400 }[error.code];
    const field = error.issues[0]?.field ?? null;
    return jsonError(status, error.message, { field, issues: error.issues });
  }
  // the one SSH step an API call makes itself (trusting a host key) failed: the host is the problem
  if (error instanceof SshError) return jsonError(502, error.message, { kind: error.kind });
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join(".") || "body";
    return jsonError(400, `${field}: ${issue?.message ?? "invalid"}`, { issues: error.issues });
  }
  console.error("unexpected error in an API route:", error);
  return jsonError(500, "internal error: see the console's log");
}
