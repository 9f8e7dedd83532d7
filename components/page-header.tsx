import { ConsoleNav, type ConsolePage } from "./console-nav";
import { SignOutButton } from "./sign-out-button";

/** The header every signed-in page shares: title, what the page is for, navigation, sign out. */
export function PageHeader({ current, subtitle }: { current: ConsolePage; subtitle: string }) {
  return (
    <header className="mb-6 flex flex-wrap items-center justify-between gap-4">
      <div>
        <h1 className="text-xl font-semibold">k0rdent airgap console</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">{subtitle}</p>
      </div>
      <div className="flex items-center gap-4">
        <ConsoleNav current={current} />
        <SignOutButton />
      </div>
    </header>
  );
}
