/**
 * The one exec that installs (or starts) k0s on a node and waits until it reports up. A join
 * token arrives on its stdin and lives only as long as this exec: its EXIT trap removes it however
 * the script ends (a failure, a timeout, a dropped connection), and the next run sweeps what a
 * killed shell could not (sweepJoinTokenScript). Pure.
 */
import { JOIN_TOKEN_PATH } from "@/lib/render/install-steps";
import { shellCommand, shellQuote } from "@/lib/ssh/quote";

export interface InstallScriptInput {
  /** the install steps, in order (argv lists); the first that fails ends the script */
  steps: string[][];
  /** stdin carries a join token to write at JOIN_TOKEN_PATH (0600) first */
  joinToken: boolean;
  /** how long `k0s status` may take to report the node up once started */
  upWithinSeconds: number;
}

/** What `k0s start` prints when k0s already runs (or is still starting, after an interrupted run). */
export const ALREADY_RUNNING = "already running";
export const ALREADY_STARTED_NOTE =
  "k0s is already started here (an interrupted run started it): waiting for it to report up";

export function installScript({ steps, joinToken, upWithinSeconds }: InstallScriptInput): string {
  const token = shellQuote(JOIN_TOKEN_PATH);
  const seconds = Math.max(1, Math.ceil(upWithinSeconds));
  return [
    ...(joinToken
      ? [
          `trap ${shellQuote(`rm -f ${token}`)} EXIT`,
          // a signal (the session closed, the stage timed out) ends the script through its EXIT trap
          "trap 'exit 129' HUP INT TERM PIPE",
          // only the token is private: k0s's own files keep their usual modes
          `(umask 077 && mkdir -p /etc/k0s && cat > ${token}) || exit $?`,
        ]
      : []),
    ...steps.map((argv) =>
      argv[0] === "k0s" && argv[1] === "start" ? startOnce() : `${shellCommand(argv)} || exit $?`,
    ),
    `k0s_deadline=$(( $(date +%s) + ${seconds} ))`,
    "until k0s status >/dev/null 2>&1; do",
    '  if [ "$(date +%s)" -ge "$k0s_deadline" ]; then',
    `    echo "k0s did not report up within ${seconds} s:" >&2; k0s status >&2; exit 1`,
    "  fi",
    "  sleep 1",
    "done",
    "k0s status | head -n 3",
  ].join("\n");
}

/** `k0s start`, where "already running" means an earlier run's start is under way: not a failure. */
function startOnce(): string {
  return [
    "k0s_out=$(k0s start 2>&1); k0s_code=$?",
    'if [ "$k0s_code" -eq 0 ]; then [ -z "$k0s_out" ] || printf \'%s\\n\' "$k0s_out"',
    `else case "$k0s_out" in`,
    `  *${shellQuote(ALREADY_RUNNING)}*) printf '%s\\n' "$k0s_out"; echo ${shellQuote(ALREADY_STARTED_NOTE)} ;;`,
    '  *) printf \'%s\\n\' "$k0s_out" >&2; exit "$k0s_code" ;;',
    "esac; fi",
  ].join("\n");
}

/**
 * Removes a join token an interrupted install left behind (its shell was killed before its trap
 * ran), printing the path when there was one.
 */
export function sweepJoinTokenScript(): string {
  const token = shellQuote(JOIN_TOKEN_PATH);
  return `if [ -e ${token} ]; then rm -f ${token} && echo ${token}; fi`;
}
