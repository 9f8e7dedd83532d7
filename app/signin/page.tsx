import { SignInForm } from "@/components/sign-in-form";

export default function SignInPage() {
  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-6">
      <h1 className="text-2xl font-semibold">k0rdent airgap console</h1>
      <p className="mt-2 text-sm text-slate-600 dark:text-slate-400">
        Paste the console token. It was printed with the URL when the console started, and is kept
        in <code className="font-mono">data/console-token</code> unless{" "}
        <code className="font-mono">CONSOLE_TOKEN</code> is set.
      </p>
      <SignInForm />
    </main>
  );
}
