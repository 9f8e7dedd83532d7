/**
 * The console's one error type. A code says what failed and where ("not_found:node"), the status
 * is the HTTP answer, the message is written for a person. lib/http/api-route.ts alone decides
 * what a client sees: a "log" error is answered with a generic message and only logged.
 */
export type ErrorType =
  | "bad_request"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "too_large"
  | "rate_limited"
  | "internal"
  | "upstream"
  | "unavailable";

/** `type:surface`, e.g. "not_found:node", "rate_limited:sign_in". */
export type ErrorCode = `${ErrorType}:${string}`;

const STATUS_BY_TYPE: Record<ErrorType, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  internal: 500,
  upstream: 502,
  unavailable: 503,
};

export interface AppErrorOptions {
  /** the HTTP status, when not the one the type implies (HttpError's 415, 422…) */
  status?: number;
  /** sent to the client with the message (never a secret) */
  details?: unknown;
  /** extra response headers (Retry-After, Allow) */
  headers?: Record<string, string>;
  /** "log": the client sees only a generic message; the error is logged */
  visibility?: "response" | "log";
  cause?: unknown;
}

export class AppError extends Error {
  readonly type: ErrorType;
  readonly surface: string;
  readonly status: number;
  readonly details: unknown;
  readonly headers: Record<string, string>;
  readonly visibility: "response" | "log";

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "AppError";
    const colon = code.indexOf(":");
    this.type = code.slice(0, colon) as ErrorType;
    this.surface = code.slice(colon + 1);
    this.status = options.status ?? STATUS_BY_TYPE[this.type];
    this.details = options.details;
    this.headers = options.headers ?? {};
    this.visibility = options.visibility ?? "response";
  }

  get errorCode(): ErrorCode {
    return `${this.type}:${this.surface}`;
  }
}

/** The error type an HTTP status stands for (HttpError only knows its status). */
export function typeForStatus(status: number): ErrorType {
  const known = Object.entries(STATUS_BY_TYPE).find(([, value]) => value === status)?.[0];
  if (known) return known as ErrorType;
  return status >= 500 ? "internal" : "bad_request";
}
