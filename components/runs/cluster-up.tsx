"use client";

import { useState } from "react";
import { buttonClass } from "@/components/ui";
import { errorText } from "@/lib/client/fleet-api";
import { type ClusterUp, fetchKubeconfig } from "@/lib/client/runs-api";

/** Hands `blob` to the browser as a file download, then lets go of it. */
function saveAs(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The end state of an apply: the cluster is up, and its admin kubeconfig — read from the
 * controller when asked, never kept by the console — points at its API. A refusal (the node
 * cannot be reached, k0s has no admin config any more) is shown in place.
 */
export function ClusterUpPanel({ runId, clusters }: { runId: string; clusters: ClusterUp[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (controller: string) => {
    setBusy(controller);
    setError(null);
    try {
      saveAs(await fetchKubeconfig(runId, controller), `kubeconfig-${controller}.yaml`);
    } catch (caught) {
      setError(`${controller}: ${errorText(caught)}`);
    } finally {
      setBusy(null);
    }
  };
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
            <button
              type="button"
              className={buttonClass}
              disabled={busy !== null}
              aria-busy={busy === cluster.controller}
              onClick={() => void download(cluster.controller)}
              data-testid={`kubeconfig-${cluster.controller}`}
            >
              {busy === cluster.controller
                ? "Reading the kubeconfig…"
                : `Download the admin kubeconfig${clusters.length > 1 ? ` of ${cluster.controller}` : ""}`}
            </button>
            <span>
              API <code className="font-mono break-all">{cluster.server}</code>
              {cluster.kind === "cluster"
                ? ` (initial controller ${cluster.controller})`
                : ` (single node ${cluster.controller})`}
            </span>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-400">
          Could not read the kubeconfig from {error}
        </p>
      )}
    </section>
  );
}
