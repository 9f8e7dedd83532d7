import { redirect } from "next/navigation";
import { PageHeader } from "@/components/page-header";
import { PushBundleForm } from "@/components/registry/push-bundle";
import { ReconcileReportView } from "@/components/registry/reconcile-report";
import { type BrowseQuery, RegistryBrowser } from "@/components/registry/registry-browser";
import { RegistrySettingsForm } from "@/components/registry/settings-form";
import { Section } from "@/components/ui";
import { hasSession } from "@/lib/auth/page-session";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import { listNodes } from "@/lib/inventory/nodes";
import { getRegistrySettings } from "@/lib/inventory/registry-settings";

export const dynamic = "force-dynamic";

export const metadata = { title: "Registry · k0rdent airgap console" };

const QUERY_KEYS = ["repository", "reference", "filter", "last", "tagsLast"] as const;

export default async function RegistryPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  if (!(await hasSession())) redirect("/signin");
  const params = await searchParams;
  const query: BrowseQuery = Object.fromEntries(
    QUERY_KEYS.flatMap((key) => {
      const value = params[key];
      return typeof value === "string" && value.length <= 512 ? [[key, value]] : [];
    }),
  );
  const { db } = consoleInventory();
  return (
    <main className="mx-auto max-w-7xl space-y-6 px-4 py-6 sm:px-6">
      <PageHeader current="/registry" subtitle="The registry the bundle goes to → what it holds" />
      <Section id="registry-settings" step={1} title="Registry">
        <RegistrySettingsForm
          initial={getRegistrySettings({ db })}
          nodes={listNodes({ db }).map((node) => node.name)}
        />
      </Section>
      <Section id="registry-contents" step={2} title="What it holds">
        <RegistryBrowser query={query} />
      </Section>
      <Section id="registry-push" step={3} title="Push a bundle">
        <PushBundleForm />
      </Section>
      <Section id="registry-reconcile" step={4} title="Reconcile: what nodes will request">
        <ReconcileReportView />
      </Section>
    </main>
  );
}
