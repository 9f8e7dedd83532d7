import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { RunView } from "@/components/runs/run-view";
import { hasSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

type Params = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Params) {
  const { id } = await params;
  return { title: `Run ${id} · k0rdent airgap console` };
}

export default async function RunPage({ params }: Params) {
  if (!(await hasSession())) redirect("/signin");
  const { id } = await params;
  return (
    <main className="mx-auto max-w-7xl px-4 py-6 sm:px-6">
      <PageHeader current="/runs" subtitle="One run: every node's stages, the plan, the live log" />
      <RunView key={id} id={id} />
    </main>
  );
}
