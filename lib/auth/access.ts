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
const LIMITER_KEY = Symbol.for("k0rdent-console.sign-in-limiter");
type Holder = { [LIMITER_KEY]?: FailureLimiter };

/** 5 free tries per client, then 1 s, 2 s, 4 s… up to 15 min; 100 across all clients, up to 1 min. */
function signInLimiter(): FailureLimiter {
  const holder = globalThis as Holder;
  holder[LIMITER_KEY] ??= new FailureLimiter(
    { freeFailures: 5, baseDelayMs: 1000, maxDelayMs: 15 * MINUTE, forgetAfterMs: 60 * MINUTE },
    { freeFailures: 100, baseDelayMs: 1000, maxDelayMs: MINUTE, forgetAfterMs: 15 * MINUTE },
  );
  return holder[LIMITER_KEY];
}

/** Throws 429 while the client must wait, 401 when `typed` is not the token. */
function checkSignInToken(typed: string, headers: Headers): void {
  const client = clientAddress(headers);
  const now = Date.now();
  const limiter = signInLimiter();
  const wait = limiter.check(client, now);
  if (wait > 0) {
    throw new AppError(
      "rate_limited:sign_in",
      `Too many wrong tokens from this address: try again in ${wait} s.`,
      { headers: { "retry-after": String(wait) }, details: { retryAfterSeconds: wait } },
    );
  }
  if (!isConsoleToken(typed)) {
    limiter.failed(client, now);
    throw new AppError(
      "unauthorized:sign_in",
      "That is not the console token. It was printed when the console first started.",
    );
  }
  limiter.succeeded(client);
}

/** The API's gate: a right Bearer token, or (without one) a live session cookie. */
export function authorize(request: Request, cookie: string | undefined): void {
  const bearer = bearerToken(request.headers.get("authorization"));
  const allowed = bearer !== undefined ? isConsoleToken(bearer) : hasLiveSession(cookie);
  if (!allowed) {
    throw new AppError(
      "unauthorized:session",
      "sign in first: send Authorization: Bearer <console token>",
    );
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
  checkSignInToken(typed, headers);
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
