"use server";

import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { constantTimeEqual, SESSION_COOKIE, sessionValue } from "@/lib/auth/session";
import { consoleToken } from "@/lib/auth/token-file";
import { consoleEnv } from "@/lib/env";

export interface SignInState {
  error: string | null;
}

export async function signIn(_previous: SignInState, form: FormData): Promise<SignInState> {
  const typed = String(form.get("token") ?? "").trim();
  const token = consoleToken(consoleEnv());
  if (!typed || !constantTimeEqual(typed, token)) {
    return { error: "That is not the console token. It was printed when the console started." };
  }
  (await cookies()).set(SESSION_COOKIE, sessionValue(token), {
    httpOnly: true,
    sameSite: "strict",
    path: "/",
    secure: false, // served on plain http on 127.0.0.1 by default
    maxAge: 60 * 60 * 12,
  });
  redirect("/");
}

export async function signOut(): Promise<void> {
  (await cookies()).delete(SESSION_COOKIE);
  redirect("/signin");
}
