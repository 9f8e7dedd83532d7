import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { RunsApp } from "@/components/runs/runs-app";
import { hasSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata = { title: "Runs · k0rdent airgap console" };

export default async function RunsPage() {
  if (!(await hasSession())) redirect("/signin");
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <PageHeader
        current="/runs"
        subtitle="Plan a change → see the diff on every node → follow every run live"
      />
      <RunsApp />
    </main>
  );
}
