import { buttonClass } from "@/components/ui";
import { type ClusterUp, kubeconfigHref } from "@/lib/client/runs-api";

/**
 * The end state of an apply: the cluster is up, and its admin kubeconfig — read from the
 * controller when the link is followed, never kept by the console — points at its API.
 */
export function ClusterUpPanel({ runId, clusters }: { runId: string; clusters: ClusterUp[] }) {
  return (
    <section
      aria-labelledby="cluster-up-title"
      data-testid="cluster-up"
      className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-sm text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100"
    >
      <h2 id="cluster-up-title" className="mb-1 text-base font-semibold">
        {clusters.length === 1 ? "The cluster is up" : `${clusters.length} clusters are up`}
      </h2>
      <p className="mb-3">
        k0s runs and its files are verified. The admin kubeconfig is read from the controller over
        SSH when you download it (<code className="font-mono">k0s kubeconfig admin</code>), with the
        server set to the controller’s address; the console keeps no copy. It grants full control of
        the cluster: keep it safe.
      </p>
      <ul className="max-h-64 space-y-2 overflow-y-auto">
        {clusters.map((cluster) => (
          <li key={cluster.controller} className="flex flex-wrap items-center gap-x-3 gap-y-1">
            <a
              href={kubeconfigHref(runId, cluster.controller)}
              download
              className={buttonClass}
              data-testid={`kubeconfig-${cluster.controller}`}
            >
              Download the admin kubeconfig
              {clusters.length > 1 ? ` of ${cluster.controller}` : ""}
            </a>
            <span>
              API <code className="font-mono break-all">{cluster.server}</code>
              {cluster.kind === "cluster"
                ? ` (initial controller ${cluster.controller})`
                : ` (single node ${cluster.controller})`}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
