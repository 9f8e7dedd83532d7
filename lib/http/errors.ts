/** An error whose message is safe and useful to show to the user, with its HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function jsonError(status: number, error: string, details?: unknown): Response {
  const headers: Record<string, string> = { "cache-control": "no-store" };
  // The rest of a refused upload is never read: close, so the client does not reuse a dirty connection.
  if (status === 413) headers.connection = "close";
  return Response.json(details === undefined ? { error } : { error, details }, { status, headers });
}
