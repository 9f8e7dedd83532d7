"use client";

import { type FormEvent, useState } from "react";

/** Why a native (pre-JavaScript) sign-in came back to this page: /signin?failed=… */
const SIGN_IN_FAILURES = new Map([
  ["token", "That is not the console token. It was printed when the console first started."],
  ["rate_limited", "Too many wrong tokens from this address: wait a moment, then try again."],
]);

/**
 * Trades the console token for a session cookie (POST /api/session), then opens the console.
 * Before React has loaded the form posts natively to the same route, which redirects.
 */
export function SignInForm({ failed }: { failed?: string }) {
  const [error, setError] = useState(SIGN_IN_FAILURES.get(failed ?? "") ?? null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    const token = String(new FormData(event.currentTarget).get("token") ?? "");
    const response = await fetch("/api/session", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token }),
      credentials: "same-origin",
    }).catch(() => null);
    if (response?.ok) {
      window.location.assign("/");
      return;
    }
    const body = (await response?.json().catch(() => null)) as { error?: string } | null;
    setError(body?.error ?? "The console did not answer. Is it still running?");
    setPending(false);
  }

  return (
    <form method="post" action="/api/session" onSubmit={submit} className="mt-6 space-y-3">
      <label htmlFor="token" className="block text-sm font-medium">
        Console token
      </label>
      <input
        id="token"
        name="token"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={error !== null}
        aria-describedby={error ? "token-error" : undefined}
        className="w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-sm dark:border-slate-700 dark:bg-slate-900"
      />
      {error && (
        <p id="token-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      <button
        type="submit"
        disabled={pending}
        className="rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-60"
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
