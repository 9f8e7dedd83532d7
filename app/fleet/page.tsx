import { redirect } from "next/navigation";
import { FleetApp } from "@/components/fleet/fleet-app";
import { PageHeader } from "@/components/page-header";
import { hasSession } from "@/lib/auth/page-session";

export const dynamic = "force-dynamic";

export const metadata = { title: "Fleet · k0rdent airgap console" };

export default async function FleetPage() {
  if (!(await hasSession())) redirect("/signin");
  return (
    // wider than the other pages: the fleet table has eleven columns
    <main className="mx-auto max-w-[96rem] px-4 py-6 sm:px-6">
      <PageHeader
        current="/fleet"
        subtitle="Fleet inventory → host keys → pre-flight checks on every node"
      />
      <FleetApp />
    </main>
  );
}
