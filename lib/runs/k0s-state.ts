/** What k0s looks like on a node before an apply. Pure: the script and the parse of its output. */

export type K0sState = "absent" | "binary" | "installed" | "running";

/** Prints one word: running, installed (a service exists but k0s is stopped), binary, or absent. */
export const K0S_STATE_SCRIPT = [
  // a k0s service under systemd or OpenRC (either one is enough)
  "k0s_service=",
  'for k0s_f in /etc/systemd/system/k0s*.service /etc/init.d/k0s*; do [ -e "$k0s_f" ] && k0s_service=1; done',
  "if command -v k0s >/dev/null 2>&1 && k0s status >/dev/null 2>&1; then echo running",
  'elif [ -n "$k0s_service" ]; then echo installed',
  "elif command -v k0s >/dev/null 2>&1; then echo binary",
  "else echo absent; fi",
].join("\n");

export function parseK0sState(stdout: string): K0sState {
  const word = stdout.trim().split("\n").at(-1);
  return word === "running" || word === "installed" || word === "binary" ? word : "absent";
}

export interface PodProblem {
  pod: string;
  image: string;
  reason: string;
  message: string;
}

const PULL_FAILURES = new Set([
  "ErrImagePull",
  "ImagePullBackOff",
  "ErrImageNeverPull",
  "InvalidImageName",
]);

/** Image pull failures in `kubectl get pods -A -o json`. */
export function imagePullProblems(json: string): PodProblem[] {
  const list = JSON.parse(json) as {
    items?: {
      metadata?: { namespace?: string; name?: string };
      status?: {
        containerStatuses?: {
          image?: string;
          state?: { waiting?: { reason?: string; message?: string } };
        }[];
      };
    }[];
  };
  return (list.items ?? []).flatMap((pod) =>
    (pod.status?.containerStatuses ?? []).flatMap((container) => {
      const waiting = container.state?.waiting;
      if (!waiting?.reason || !PULL_FAILURES.has(waiting.reason)) return [];
      return [
        {
          pod: `${pod.metadata?.namespace ?? "?"}/${pod.metadata?.name ?? "?"}`,
          image: container.image ?? "?",
          reason: waiting.reason,
          message: waiting.message ?? "",
        },
      ];
    }),
  );
}
