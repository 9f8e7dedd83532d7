import Link from "next/link";
import type { ReactNode } from "react";
import { consoleInventory } from "@/lib/inventory/console-inventory";
import {
  describeReference,
  type ListingPage,
  listRepositories,
  listTags,
  type ReferenceDetails,
} from "@/lib/registry/browse";
import { sizeText } from "@/lib/runs/binary-choice";
import { buttonClass, fieldClass } from "../ui";

export interface BrowseQuery {
  repository?: string;
  reference?: string;
  filter?: string;
  last?: string;
  tagsLast?: string;
}

const PAGE = 50;

/** What the registry holds: repositories, a repository's tags, a reference. Server-rendered. */
export async function RegistryBrowser({ query }: { query: BrowseQuery }) {
  const inventory = consoleInventory();
  const [repositories, tags, details] = await Promise.all([
    attempt(() => listRepositories(inventory, PAGE, query.last)),
    query.repository
      ? attempt(() => listTags(inventory, query.repository ?? "", PAGE, query.tagsLast))
      : null,
    query.reference ? attempt(() => describeReference(inventory, query.reference ?? "")) : null,
  ]);
  const filter = query.filter?.trim() ?? "";
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <Panel title="Repositories">
        <search>
          <form method="get" className="mb-2 flex gap-2">
            <label htmlFor="registry-filter" className="sr-only">
              Filter repositories on this page
            </label>
            <input
              id="registry-filter"
              name="filter"
              defaultValue={filter}
              placeholder="Filter this page"
              className={`${fieldClass} min-w-0 flex-1`}
            />
            <button type="submit" className={buttonClass}>
              Filter
            </button>
          </form>
        </search>
        <Listing
          result={repositories}
          empty="The registry holds no repository."
          filter={filter}
          href={(repository) =>
            href({ ...query, repository, tagsLast: undefined, reference: undefined })
          }
          current={query.repository}
          next={(last) => href({ ...query, last })}
        />
      </Panel>
      <Panel title={query.repository ? `Tags of ${query.repository}` : "Tags"}>
        {tags ? (
          <Listing
            result={tags}
            empty="This repository has no tag."
            filter=""
            href={(tag) => href({ ...query, reference: `${query.repository}:${tag}` })}
            current={query.reference?.split(":").pop()}
            next={(tagsLast) => href({ ...query, tagsLast })}
          />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Choose a repository.</p>
        )}
      </Panel>
      <Panel title={query.reference ?? "Reference"}>
        {details ? (
          <Details result={details} />
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Choose a tag.</p>
        )}
      </Panel>
    </div>
  );
}

type Attempt<T> = { value: T } | { error: string };

async function attempt<T>(call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { value: await call() };
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

function href(query: BrowseQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return `/registry?${params}`;
}

function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section
      aria-label={title}
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 shadow-sm dark:border-slate-800 dark:bg-slate-900/60"
    >
      <h3 className="mb-2 break-all text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

function Failure({ message }: { message: string }) {
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-400">
      {message}
    </p>
  );
}

function Listing({
  result,
  empty,
  filter,
  href: linkOf,
  current,
  next,
}: {
  result: Attempt<ListingPage>;
  empty: string;
  filter: string;
  href: (item: string) => string;
  current: string | undefined;
  next: (last: string) => string;
}) {
  if ("error" in result) return <Failure message={result.error} />;
  const items = result.value.items.filter((item) => item.includes(filter));
  return (
    <>
      {items.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {filter ? `Nothing on this page contains "${filter}".` : empty}
        </p>
      ) : (
        <ul className="space-y-0.5 text-sm">
          {items.map((item) => (
            <li key={item}>
              <Link
                href={linkOf(item)}
                aria-current={item === current ? "true" : undefined}
                className="block break-all rounded px-2 py-1 font-mono text-blue-800 hover:bg-slate-100 aria-[current=true]:bg-blue-700 aria-[current=true]:text-white dark:text-blue-300 dark:hover:bg-slate-800"
              >
                {item}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {result.value.next && (
        <Link href={next(result.value.next)} className={`${buttonClass} mt-2 inline-block`}>
          Next page
        </Link>
      )}
    </>
  );
}

function Details({ result }: { result: Attempt<ReferenceDetails> }) {
  if ("error" in result) return <Failure message={result.error} />;
  const details = result.value;
  const rows: [string, ReactNode][] = [
    ["Digest", details.digest],
    ["Media type", details.mediaType],
    ...(details.artifactType ? [["Artifact type", details.artifactType] as [string, string]] : []),
    ["Total size", sizeText(details.totalSize)],
  ];
  return (
    <div className="space-y-3 text-sm">
      <dl className="space-y-1">
        {rows.map(([term, value]) => (
          <div key={term}>
            <dt className="text-xs text-slate-600 dark:text-slate-400">{term}</dt>
            <dd className="break-all font-mono text-xs">{value}</dd>
          </div>
        ))}
      </dl>
      {details.platforms.length > 0 && (
        <div>
          <h4 className="text-xs font-semibold">Platforms</h4>
          <ul className="font-mono text-xs">
            {details.platforms.map((platform) => (
              <li key={platform.digest}>
                {platform.platform} · {sizeText(platform.size)}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div>
        <h4 className="text-xs font-semibold">Fleet requests that land here</h4>
        {details.requests.length === 0 ? (
          <p className="text-xs text-slate-600 dark:text-slate-400">
            No catalog image is requested at this path.
          </p>
        ) : (
          <ul className="space-y-1 text-xs">
            {details.requests.map((request) => (
              <li key={request.image}>
                <span className="font-mono">{request.image}</span>
                <span className="block break-all font-mono text-slate-600 dark:text-slate-400">
                  {request.url}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}
