/** Browser-side calls for the reconcile report and its fix (the same API scripts use). */
import type { FixResult, ReconcileReport } from "@/lib/registry/reconcile-service";
import { call } from "./api";

export type { FixResult, ReconcileReport };

export async function loadReconcileReport(): Promise<ReconcileReport> {
  const response = await call("/api/registry/reconcile", { method: "GET" });
  return (await response.json()) as ReconcileReport;
}

export async function fixReconcile(references: string[] | "all"): Promise<FixResult[]> {
  const response = await call("/api/registry/reconcile/fix", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ references }),
  });
  return ((await response.json()) as { results: FixResult[] }).results;
}
