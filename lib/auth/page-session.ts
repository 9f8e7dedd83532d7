import "server-only";
import { cookies } from "next/headers";
import { consoleEnv } from "@/lib/env";
import { isAuthorized, SESSION_COOKIE } from "./session";
import { consoleToken } from "./token-file";

/** True when the browser holds a valid session cookie (pages; API routes use apiRoute). */
export async function hasSession(): Promise<boolean> {
  const cookie = (await cookies()).get(SESSION_COOKIE)?.value;
  return isAuthorized(consoleToken(consoleEnv()), null, cookie);
}
