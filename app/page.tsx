import { redirect } from "next/navigation";
import { ConsoleApp } from "@/components/console-app";
import { PageHeader } from "@/components/page-header";
import { hasSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  if (!(await hasSession())) redirect("/signin");
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <PageHeader
        current="/"
        subtitle="Catalog → registries → containerd mirror files for every node"
      />
      <ConsoleApp />
    </main>
  );
}
