import { cookies } from "next/headers";
import { z } from "zod";
import { sessionCookie, signIn, signOut } from "@/lib/auth/access";
import { SESSION_COOKIE } from "@/lib/auth/session";
import { apiRoute } from "@/lib/http/api-route";
import { readJson } from "@/lib/http/body";

const SignIn = z.object({ token: z.string().trim().max(1024) });

/** Sign in: the console token for a session cookie (rate limited per client). */
export const POST = apiRoute(
  async (request) => {
    const { token } = SignIn.parse(await readJson(request));
    const value = signIn(token, request.headers);
    return new Response(null, {
      status: 204,
      headers: { "set-cookie": sessionCookie(value, isHttps(request)) },
    });
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

/** Next.js sets x-forwarded-proto from the socket (or a TLS proxy in front says https). */
function isHttps(request: Request): boolean {
  return request.headers.get("x-forwarded-proto") === "https";
}
