import { READINESS_LABEL, type Readiness, type ReadinessState } from "@/lib/checks/readiness";

const ORDER: ReadinessState[] = ["ready", "failing", "stale", "not-checked"];

/** How many nodes are in each readiness state, and that an apply needs them ready. */
export function ReadinessCounts({ readiness }: { readiness: Readiness[] }) {
  if (readiness.length === 0) return null;
  const counts = ORDER.map(
    (state) => [state, readiness.filter((node) => node.state === state).length] as const,
  ).filter(([, count]) => count > 0);
  const notReady = readiness.length - (counts.find(([state]) => state === "ready")?.[1] ?? 0);
  return (
    <p data-testid="readiness-counts" className="ml-6 text-xs text-slate-600 dark:text-slate-400">
      Readiness for an apply:{" "}
      {counts.map(([state, count]) => `${count} ${READINESS_LABEL[state]}`).join(", ")}
      {notReady > 0 &&
        ". An apply refuses nodes that are not ready unless their checks are run again (Fleet page) or you override them with a reason."}
    </p>
  );
}
