/**
 * Who may use the console: a script with `Authorization: Bearer <token>`, or a browser with a
 * live session cookie from the sign-in page, where wrong tokens are rate limited per client.
 */
import { consoleEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { clientAddress } from "@/lib/http/client-address";
import { consoleDatabase } from "@/lib/inventory/db";
import { FailureLimiter } from "./rate-limit";
import {
  bearerToken,
  constantTimeEqual,
  createSession,
  revokeSession,
  SESSION_COOKIE,
  SESSION_MAX_MS,
  sessionIsValid,
} from "./session";
import { consoleToken } from "./token-file";

const MINUTE = 60 * 1000;
const LIMITERS_KEY = Symbol.for("k0rdent-console.token-limiters");
type Holder = { [LIMITERS_KEY]?: { signIn: FailureLimiter; bearer: FailureLimiter } };

/**
 * Wrong tokens, per client address. Sign-in: 5 free tries, then 1 s, 2 s, 4 s… up to 15 min;
 * 100 across all clients, up to 1 min. Scripts' Bearer tokens: the same delays after 100 wrong
 * ones per client (a misconfigured script retries; a guesser needs far more), 1,000 overall.
 * Two limiters, so a browser's lockout never stops a script that has the token, nor the reverse.
 */
function limiters() {
  const holder = globalThis as Holder;
  holder[LIMITERS_KEY] ??= {
    signIn: new FailureLimiter(
      { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE },
      { freeFailures: 100, baseDelayMs: 1000, maxDelayMs: MINUTE, forgetAfterMs: 15 * MINUTE },
    ),
    bearer: new FailureLimiter(
      { freeFailures: 100, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE },
      { freeFailures: 1000, baseDelayMs: 1000, maxDelayMs: MINUTE, forgetAfterMs: 15 * MINUTE },
    ),
  };
  return holder[LIMITERS_KEY];
}

/**
 * Throws 429 while the client must wait (nothing it sends is checked then, not even the right
 * token), `wrong()` when `typed` is not the token.
 */
function checkToken(
  typed: string,
  headers: Headers,
  limiter: FailureLimiter,
  surface: "sign_in" | "bearer",
  wrong: () => AppError,
): void {
  const client = clientAddress(headers);
  const now = Date.now();
  const wait = limiter.check(client, now);
  if (wait > 0) {
    throw new AppError(
      `rate_limited:${surface}`,
      `Too many wrong tokens from this address: try again in ${wait} s.`,
      { headers: { "retry-after": String(wait) }, details: { retryAfterSeconds: wait } },
    );
  }
  if (!isConsoleToken(typed)) {
    limiter.failed(client, now);
    throw wrong();
  }
  limiter.succeeded(client);
}

const signInFirst = () =>
  new AppError("unauthorized:session", "sign in first: send Authorization: Bearer <console token>");

/** The API's gate: a right Bearer token (rate limited), or (without one) a live session cookie. */
export function authorize(request: Request, cookie: string | undefined): void {
  const bearer = bearerToken(request.headers.get("authorization"));
  if (bearer !== undefined) {
    checkToken(bearer, request.headers, limiters().bearer, "bearer", signInFirst);
  } else if (!hasLiveSession(cookie)) {
    throw signInFirst();
  }
}

function isConsoleToken(typed: string): boolean {
  return typed !== "" && constantTimeEqual(typed, consoleToken(consoleEnv()));
}

export function hasLiveSession(cookie: string | undefined): boolean {
  return sessionIsValid(consoleDatabase(), consoleToken(consoleEnv()), cookie);
}

/** Checks the typed token (rate limited) and opens a session; returns the cookie to set. */
export function signIn(typed: string, headers: Headers): string {
  checkToken(
    typed,
    headers,
    limiters().signIn,
    "sign_in",
    () =>
      new AppError(
        "unauthorized:sign_in",
        "That is not the console token. It was printed when the console first started.",
      ),
  );
  return createSession(consoleDatabase(), consoleToken(consoleEnv()));
}

export function signOut(cookie: string | undefined): void {
  if (cookie) revokeSession(consoleDatabase(), cookie);
}

/** Set-Cookie for a session: never readable by scripts, never sent cross-site, Secure on https. */
export function sessionCookie(value: string, secure: boolean, maxAgeMs = SESSION_MAX_MS): string {
  const parts = [
    `${SESSION_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${Math.floor(maxAgeMs / 1000)}`,
    "HttpOnly",
    "SameSite=Strict",
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}
