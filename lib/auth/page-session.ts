import "server-only";
import { cookies } from "next/headers";
import { hasLiveSession } from "./access";
import { SESSION_COOKIE } from "./session";

/** True when the browser holds a live session cookie (pages; API routes use apiRoute). */
export async function hasSession(): Promise<boolean> {
  return hasLiveSession((await cookies()).get(SESSION_COOKIE)?.value);
}
