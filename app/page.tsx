import { redirect } from "next/navigation";
import { ConsoleApp } from "@/components/console-app";
import { hasSession } from "@/lib/auth/page-session";
import { signOut } from "./signin/actions";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  if (!(await hasSession())) redirect("/signin");
  return (
    <div className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <header className="mb-6 flex items-center justify-between gap-4">
        <div>
          <h1 className="text-xl font-semibold">k0rdent airgap console</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Catalog → registries → containerd mirror files for every node
          </p>
        </div>
        <form action={signOut}>
          <button
            type="submit"
            className="text-sm text-slate-600 underline hover:text-slate-900 dark:text-slate-400 dark:hover:text-white"
          >
            Sign out
          </button>
        </form>
      </header>
      <ConsoleApp />
    </div>
  );
}
