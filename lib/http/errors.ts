import { AppError, typeForStatus } from "@/lib/errors";

/** An AppError named by its HTTP status: its message is safe and useful to show to the user. */
export class HttpError extends AppError {
  constructor(status: number, message: string, details?: unknown) {
    super(`${typeForStatus(status)}:http`, message, { status, details });
    this.name = "HttpError";
  }
}

/** An AppError as the client sees it: `{error, code, details?}`, with its headers. */
export function appErrorParts(error: AppError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "cache-control": "no-store",
    ...error.headers,
  };
  // The rest of a refused upload is never read: close, so the client does not reuse a dirty connection.
  if (error.status === 413) headers.connection = "close";
  const payload = { error: error.message, code: error.errorCode, details: error.details };
  return { status: error.status, headers, body: JSON.stringify(payload) };
}

export function appErrorResponse(error: AppError): Response {
  const { status, headers, body } = appErrorParts(error);
  return new Response(body, { status, headers });
}
