/** Browser-side calls for the registry settings (the same API scripts use). */
import type { RegistrySettingsAnswer } from "@/lib/inventory/registry-settings";
import type { RegistryTestResult } from "@/lib/registry/probe";
import type { RegistrySettingsInput } from "@/lib/registry/settings";
import { call } from "./api";

export type { RegistrySettingsAnswer, RegistryTestResult };

export async function saveRegistrySettings(
  input: RegistrySettingsInput,
): Promise<RegistrySettingsAnswer> {
  const response = await call("/api/registry/settings", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(input),
  });
  return (await response.json()) as RegistrySettingsAnswer;
}

export async function testRegistry(): Promise<RegistryTestResult> {
  const response = await call("/api/registry/test", { method: "POST" });
  return (await response.json()) as RegistryTestResult;
}
