import { cookies } from "next/headers";
import { z } from "zod";
import { sessionCookie, signIn, signOut } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { apiRoute } from "@/lib/http/api-route";
import { readJson, readText } from "@/lib/http/body";

const SignIn = z.object({ token: z.string().trim().max(1024) });

/** A form post is at most the token and its field name. */
const MAX_FORM_BYTES = 4096;

/**
 * Sign in: the console token for a session cookie (rate limited per client). The sign-in page's
 * form also posts here natively (before React has loaded, or without JavaScript): that answer is
 * a redirect, so the token never lands in a URL.
 */
export const POST = apiRoute(
  async (request) => {
    if (!isFormPost(request)) {
      const { token } = SignIn.parse(await readJson(request));
      return signedIn(request, signIn(token, request.headers), 204);
    }
    const form = new URLSearchParams(await readText(request, MAX_FORM_BYTES));
    const { token } = SignIn.parse({ token: form.get("token") ?? "" });
    try {
      return signedIn(request, signIn(token, request.headers), 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      return redirect(`/signin?failed=${error.status === 429 ? "rate_limited" : "token"}`);
    }
  },
  { public: true },
);

/** Sign out: the session ends on the server, not only in this browser. */
export const DELETE = apiRoute(
  async (request) => {
    signOut((await cookies()).get(SESSION_COOKIE)?.value);
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": sessionCookie("", isHttps(request), 0) },
    });
  },
  { public: true },
);

function signedIn(request: Request, session: string, status: 204 | 303): Response {
  const headers = new Headers({ "set-cookie": sessionCookie(session, isHttps(request)) });
  if (status === 303) headers.set("location", "/");
  return new Response(null, { status, headers });
}

function redirect(location: string): Response {
  return new Response(null, { status: 303, headers: { location } });
}

function isFormPost(request: Request): boolean {
  return (request.headers.get("content-type") ?? "").startsWith(
    "application/x-www-form-urlencoded",
  );
}

/** Next.js sets x-forwarded-proto from the socket (or a TLS proxy in front says https). */
function isHttps(request: Request): boolean {
  return request.headers.get("x-forwarded-proto") === "https";
}
