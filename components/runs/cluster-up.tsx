"use client";

import Link from "next/link";
import { useState } from "react";
import { SudoDialog } from "@/components/fleet/sudo-dialog";
import { buttonClass, ScrollList } from "@/components/ui";
import { errorText, listNodes } from "@/lib/client/fleet-api";
import { type ClusterUp, fetchKubeconfig, runPath } from "@/lib/client/runs-api";
import type { NodePublic } from "@/lib/inventory/types";

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
 * cannot be reached, k0s has no admin config any more) is shown in place. A controller whose sudo
 * password is asked at run time asks it first, as a run does: sent with that one request only. A
 * cluster a later run reset is told as such, with no download that can only fail.
 */
export function ClusterUpPanel({ runId, clusters }: { runId: string; clusters: ClusterUp[] }) {
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [asking, setAsking] = useState<NodePublic | null>(null);
  const download = async (controller: string) => {
    setBusy(controller);
    setError(null);
    try {
      const node = (await listNodes()).find((each) => each.name === controller);
      if (node?.sudo.mode === "ask") setAsking(node);
      else saveAs(await fetchKubeconfig(runId, controller), `kubeconfig-${controller}.yaml`);
    } catch (caught) {
      setError(`${controller}: ${errorText(caught)}`);
    } finally {
      setBusy(null);
    }
  };
  // a wrong password is told in the dialog, which stays open to try again
  const downloadWith = async (controller: string, sudoPassword: string | undefined) =>
    saveAs(await fetchKubeconfig(runId, controller, sudoPassword), `kubeconfig-${controller}.yaml`);
  const up = clusters.filter((cluster) => !cluster.resetBy).length;
  return (
    <section
      aria-labelledby="cluster-up-title"
      data-testid="cluster-up"
      className={`rounded-lg border p-4 text-sm ${
        up > 0
          ? "border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-800 dark:bg-emerald-950/40 dark:text-emerald-100"
          : "border-slate-300 bg-slate-50 text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      }`}
    >
      <h2 id="cluster-up-title" className="mb-1 text-base font-semibold">
        {up === 0
          ? `This apply brought ${clusters.length === 1 ? "the cluster" : `${clusters.length} clusters`} up; reset since`
          : up === 1
            ? "The cluster is up"
            : `${up} clusters are up`}
      </h2>
      {up > 0 && (
        <p className="mb-3">
          k0s runs and its files are verified. The admin kubeconfig is read from the controller over
          SSH when you download it (<code className="font-mono">k0s kubeconfig admin</code>), with
          the server set to the controller’s address; the console keeps no copy. It grants full
          control of the cluster: keep it safe.
        </p>
      )}
      <ScrollList label="Clusters of this apply" className="max-h-64 space-y-2">
        {clusters.map((cluster) => (
          <li key={cluster.controller} className="flex flex-wrap items-center gap-x-3 gap-y-1">
            {cluster.resetBy ? (
              <span data-testid={`cluster-reset-${cluster.controller}`}>
                Run{" "}
                <Link href={runPath(cluster.resetBy)} className="font-mono underline">
                  {cluster.resetBy}
                </Link>{" "}
                reset {cluster.controller} since: k0s and its admin kubeconfig are gone there.
              </span>
            ) : (
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
            )}
            <span>
              API <code className="font-mono break-all">{cluster.server}</code>
              {cluster.kind === "cluster"
                ? ` (initial controller ${cluster.controller})`
                : ` (single node ${cluster.controller})`}
            </span>
          </li>
        ))}
      </ScrollList>
      {error && (
        <p role="alert" className="mt-2 text-red-700 dark:text-red-400">
          Could not read the kubeconfig from {error}
        </p>
      )}
      {asking && (
        <SudoDialog
          nodes={[asking]}
          submitLabel="Download the kubeconfig"
          emptyHint="k0s kubeconfig admin runs as root: without it the kubeconfig cannot be read."
          onRun={(passwords) => downloadWith(asking.name, passwords[asking.name])}
          onClose={() => setAsking(null)}
        />
      )}
    </section>
  );
}
