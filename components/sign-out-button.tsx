"use client";

/** Ends the session on the console (DELETE /api/session), then shows the sign-in page. */
export function SignOutButton() {
  async function signOut() {
    await fetch("/api/session", { method: "DELETE", credentials: "same-origin" }).catch(() => null);
    window.location.assign("/signin");
  }
  return (
    <button
      type="button"
      onClick={signOut}
      className="text-sm text-slate-600 underline hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
    >
      Sign out
    </button>
  );
}
