import { ReadinessReasons } from "@/components/checks/readiness-badge";
import { badgeClass } from "@/components/fleet/styles";
import { READINESS_LABEL } from "@/lib/checks/readiness";
import type { PlanResult } from "@/lib/client/runs-api";
import { sizeText } from "@/lib/runs/binary-choice";

const RED = "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300";
const AMBER = "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-300";
const SLATE = "bg-slate-200 text-slate-700 dark:bg-slate-800 dark:text-slate-300";

/** The badges of a plan node's summary: what the apply will refuse, skip or upload there. */
export function PredictionBadges({ plan }: { plan: PlanResult }) {
  const { steps, readiness } = plan;
  return (
    <>
      {readiness && (
        <span className={`${badgeClass} ${readiness.overridable ? AMBER : RED}`}>
          {readiness.overridable ? "needs checks or an override" : "blocked"}
        </span>
      )}
      {steps?.refusal && <span className={`${badgeClass} ${RED}`}>apply will fail</span>}
      {steps && !steps.refusal && steps.stage === null && (
        <span className={`${badgeClass} ${SLATE}`}>files only</span>
      )}
      {steps?.upload && (
        <span className={`${badgeClass} ${SLATE}`} title={steps.binaryNote}>
          upload k0s · {steps.upload.arch ?? "script"} · {sizeText(steps.upload.size)}
        </span>
      )}
    </>
  );
}

/** What the apply will do on the node besides the files, and what will stop it. */
export function PlanPrediction({ node, plan }: { node: string; plan: PlanResult }) {
  const { steps, readiness } = plan;
  if (!steps && !readiness) return null;
  return (
    <div data-testid={`plan-prediction-${node}`} className="space-y-2 text-sm">
      {readiness && (
        <div
          className={`rounded-md border px-3 py-2 ${readiness.overridable ? "border-amber-300 dark:border-amber-800" : "border-red-300 dark:border-red-800"}`}
        >
          <p className="font-medium">
            The apply will refuse {node}: {READINESS_LABEL[readiness.state]}
            {readiness.overridable
              ? " (run its checks again, or override with a reason)"
              : " (cannot be overridden)"}
          </p>
          <ReadinessReasons readiness={readiness} />
        </div>
      )}
      {steps?.refusal && (
        <p className="rounded-md border border-red-300 px-3 py-2 text-red-800 dark:border-red-800 dark:text-red-300">
          The apply will fail here: {steps.refusal}
        </p>
      )}
      {steps && (
        <ul className="list-disc pl-5 text-slate-700 dark:text-slate-300">
          <li>k0s binary: {steps.binaryNote}</li>
          <li>{steps.note}</li>
        </ul>
      )}
    </div>
  );
}
