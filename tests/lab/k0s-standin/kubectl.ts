import { createHash } from "node:crypto";
import type { RunRecord } from "./state";

/** What `k0s kubectl get pods` shows for the node's system pods (pure). */

export interface PodView {
  namespace: string;
  name: string;
  app: string;
  image: string;
  /** Running, ImagePullBackOff or Pending */
  status: "Running" | "ImagePullBackOff" | "Pending";
  ready: boolean;
  /** the images whose pulls failed: the sandbox image and/or the pod's own image */
  failedImages: string[];
  /** why it is not running */
  message: string | undefined;
  node: string;
  startedAt: string;
}

/** Deterministic pod-name suffixes like a Deployment's: <app>-<10 chars>-<5 chars>. */
function podName(app: string, node: string): string {
  const digest = createHash("sha256").update(`${node}/${app}`).digest("hex");
  const alphabet = "bcdfghjklmnpqrstvwxz2456789";
  const pick = (from: number, length: number) =>
    Array.from({ length }, (_, i) => {
      const byte = Number.parseInt(digest.slice((from + i) * 2, (from + i) * 2 + 2), 16);
      return alphabet[byte % alphabet.length];
    }).join("");
  return `${app}-${pick(0, 10)}-${pick(10, 5)}`;
}

/**
 * One pod per system pod image. A failed pull of the pod's image, or of the sandbox image every
 * pod needs, shows as ImagePullBackOff naming the failed image(s). (A real kubelet shows a sandbox-image
 * failure as ContainerCreating with a FailedCreatePodSandBox event; the stand-in reports it as
 * ImagePullBackOff so every image that did not pull is visible the same way.) Without a worker
 * on the node (a plain controller) the pods are Pending.
 */
export function podViews(run: RunRecord, node: string, workerHere: boolean): PodView[] {
  const sandbox = run.pulls.find((pull) => pull.kind === "sandbox");
  return run.pods.map((pod) => {
    const base = {
      namespace: pod.namespace,
      name: podName(pod.app, node),
      app: pod.app,
      image: pod.image,
      node,
      startedAt: run.since,
    };
    if (!workerHere) {
      return {
        ...base,
        status: "Pending" as const,
        ready: false,
        failedImages: [],
        message: "0/0 nodes are available: no worker on this controller",
      };
    }
    const own = run.pulls.find((pull) => pull.kind === "pod" && pull.image === pod.image);
    const failed = [
      ...(sandbox?.ok
        ? []
        : [{ image: sandbox?.image ?? "(sandbox image)", error: sandbox?.error }]),
      ...(own?.ok ? [] : [{ image: pod.image, error: own?.error }]),
    ];
    if (failed.length > 0) {
      return {
        ...base,
        status: "ImagePullBackOff" as const,
        ready: false,
        failedImages: failed.map((f) => f.image),
        message: failed
          .map((f) => `Back-off pulling image "${f.image}": ${f.error ?? "not pulled"}`)
          .join("; "),
      };
    }
    return {
      ...base,
      status: "Running" as const,
      ready: true,
      failedImages: [],
      message: undefined,
    };
  });
}

/** kubectl's short ages: 45s, 3m12s, 25m, 5h3m, 3d. */
export function humanAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  return `${Math.floor(h / 24)}d`;
}

/** Columns padded like kubectl's tabwriter (3 spaces between columns). */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
        .join(""),
    )
    .join("\n");
}

export interface GetPodsOptions {
  allNamespaces: boolean;
  namespace: string;
  output: "" | "wide" | "json" | "name";
  noHeaders: boolean;
  now: number;
}

/**
 * `kubectl get pods` output: kubectl's columns NAMESPACE (with -A) NAME READY STATUS RESTARTS
 * AGE, then the stand-in's IMAGE column (for a pod in ImagePullBackOff the images that failed,
 * comma-separated, sandbox image first; else the pod's image); `-o wide` adds NODE before IMAGE. `-o json` gives a v1 List of Pods whose
 * containerStatuses carry the waiting reason and message.
 */
export function formatPods(
  pods: PodView[],
  options: GetPodsOptions,
): { stdout: string; stderr: string } {
  const shown = options.allNamespaces
    ? pods
    : pods.filter((pod) => pod.namespace === options.namespace);
  if (options.output === "json")
    return { stdout: `${JSON.stringify(podList(shown), null, 4)}\n`, stderr: "" };
  if (shown.length === 0) {
    const where = options.allNamespaces ? "" : ` in ${options.namespace} namespace`;
    return { stdout: "", stderr: `No resources found${where}.\n` };
  }
  if (options.output === "name") {
    return { stdout: shown.map((pod) => `pod/${pod.name}\n`).join(""), stderr: "" };
  }
  const wide = options.output === "wide";
  const header = [
    ...(options.allNamespaces ? ["NAMESPACE"] : []),
    "NAME",
    "READY",
    "STATUS",
    "RESTARTS",
    "AGE",
    ...(wide ? ["NODE"] : []),
    "IMAGE",
  ];
  const rows = shown.map((pod) => [
    ...(options.allNamespaces ? [pod.namespace] : []),
    pod.name,
    pod.ready ? "1/1" : "0/1",
    pod.status,
    "0",
    humanAge(options.now - Date.parse(pod.startedAt)),
    ...(wide ? [pod.status === "Pending" ? "<none>" : pod.node] : []),
    pod.failedImages.length > 0 ? pod.failedImages.join(",") : pod.image,
  ]);
  return { stdout: `${table(options.noHeaders ? rows : [header, ...rows])}\n`, stderr: "" };
}

function podList(pods: PodView[]) {
  return {
    apiVersion: "v1",
    kind: "List",
    metadata: { resourceVersion: "" },
    items: pods.map((pod) => ({
      apiVersion: "v1",
      kind: "Pod",
      metadata: {
        name: pod.name,
        namespace: pod.namespace,
        labels: { "k8s-app": pod.app },
        creationTimestamp: pod.startedAt,
      },
      spec: {
        nodeName: pod.status === "Pending" ? undefined : pod.node,
        containers: [{ name: pod.app, image: pod.image }],
      },
      status: {
        phase: pod.status === "Running" ? "Running" : "Pending",
        containerStatuses: [
          {
            name: pod.app,
            image: pod.image,
            ready: pod.ready,
            restartCount: 0,
            state:
              pod.status === "Running"
                ? { running: { startedAt: pod.startedAt } }
                : { waiting: { reason: pod.status, message: pod.message } },
          },
        ],
      },
    })),
  };
}
