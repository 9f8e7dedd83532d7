import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Database } from "@/lib/inventory/db";

export const SESSION_COOKIE = "console_session";
/** A session unused for this long is over. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000;
/** No session lives longer than this, used or not. */
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000;
/** last_seen_at is written at most this often (not on every request). */
const TOUCH_EVERY_MS = 60 * 1000;

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The token of `Authorization: Bearer <token>`, or undefined. */
export function bearerToken(authorization: string | null): string | undefined {
  return /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "")?.[1];
}

/** A new session for a browser that proved it knows `token`; returns the cookie's value. */
export function createSession(db: Database, token: string, now = Date.now()): string {
  db.prepare("DELETE FROM sessions WHERE last_seen_at < ? OR created_at < ?").run(
    now - SESSION_IDLE_MS,
    now - SESSION_MAX_MS,
  );
  const id = randomBytes(32).toString("base64url");
  db.prepare(
    "INSERT INTO sessions (id_hash, token_check, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
  ).run(hashOf(id), tokenCheck(token), now, now);
  return id;
}

/** True when `cookie` names a live session made with the current token; refreshes its idle time. */
export function sessionIsValid(
  db: Database,
  token: string,
  cookie: string | undefined,
  now = Date.now(),
): boolean {
  if (!cookie || cookie.length > 128) return false;
  const idHash = hashOf(cookie);
  const row = db
    .prepare("SELECT token_check, created_at, last_seen_at FROM sessions WHERE id_hash = ?")
    .get(idHash) as { token_check: string; created_at: number; last_seen_at: number } | undefined;
  if (!row) return false;
  const expired = now - row.last_seen_at > SESSION_IDLE_MS || now - row.created_at > SESSION_MAX_MS;
  if (expired || !constantTimeEqual(row.token_check, tokenCheck(token))) {
    revokeSession(db, cookie);
    return false;
  }
  if (now - row.last_seen_at > TOUCH_EVERY_MS) {
    db.prepare("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(now, idHash);
  }
  return true;
}

export function revokeSession(db: Database, cookie: string): void {
  db.prepare("DELETE FROM sessions WHERE id_hash = ?").run(hashOf(cookie));
}

function hashOf(id: string): string {
  return createHash("sha256").update(id).digest("hex");
}

function tokenCheck(token: string): string {
  return createHmac("sha256", token)
    .update("k0rdent-airgap-console session v2")
    .digest("base64url");
}
