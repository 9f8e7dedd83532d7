import Link from "next/link";

const PAGES = [
  { href: "/", label: "Config" },
  { href: "/fleet", label: "Fleet" },
  { href: "/runs", label: "Runs" },
  { href: "/registry", label: "Registry" },
] as const;

export type ConsolePage = (typeof PAGES)[number]["href"];

/** The console's page links, in the header of every signed-in page. */
export function ConsoleNav({ current }: { current: ConsolePage }) {
  return (
    <nav aria-label="Console pages" className="flex gap-1 text-sm">
      {PAGES.map((page) => (
        <Link
          key={page.href}
          href={page.href}
          aria-current={page.href === current ? "page" : undefined}
          className="rounded-md px-2.5 py-1 font-medium text-slate-600 hover:bg-slate-200 hover:text-slate-900 focus:outline-none focus:ring-2 focus:ring-blue-600/40 aria-[current=page]:bg-blue-700 aria-[current=page]:text-white dark:text-slate-300 dark:hover:bg-slate-800 dark:hover:text-white"
        >
          {page.label}
        </Link>
      ))}
    </nav>
  );
}
