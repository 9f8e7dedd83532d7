import { redirect } from "next/navigation";
import { SignInForm } from "@/components/sign-in-form";
import { hasSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata = { title: "Sign in · k0rdent airgap console" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ failed?: string | string[] }>;
}) {
  const { failed } = await searchParams;
  if (await hasSession()) redirect("/");
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold">k0rdent airgap console</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Paste the console token. It was printed when the console first started, and is kept in{" "}
        <code className="font-mono">data/console-token</code> unless{" "}
        <code className="font-mono">CONSOLE_TOKEN</code> is set.
      </p>
      <SignInForm failed={typeof failed === "string" ? failed : undefined} />
    </main>
  );
}
