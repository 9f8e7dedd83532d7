import { createHmac, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "console_session";

/** The session cookie's value: derived from the token, so changing the token signs everyone out. */
export function sessionValue(token: string): string {
  return createHmac("sha256", token)
    .update("k0rdent-airgap-console session v1")
    .digest("base64url");
}

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Authorization: Bearer <token>, or the browser's session cookie. */
export function isAuthorized(
  token: string,
  authorization: string | null,
  cookie: string | undefined,
): boolean {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
  if (bearer !== undefined) return constantTimeEqual(bearer, token);
  return cookie !== undefined && constantTimeEqual(cookie, sessionValue(token));
}
