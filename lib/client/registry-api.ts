/** Browser-side calls for the registry settings (the same API scripts use). */
import type { RegistrySettingsAnswer } from "@/lib/inventory/registry-settings";
import type { UploadedBundle } from "@/lib/registry/bundle-uploads";
import type { BundleEntry } from "@/lib/registry/bundles-dir";
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

export type { BundleEntry, UploadedBundle };

export interface BundleChoices {
  /** CONSOLE_BUNDLES_DIR is set (and usable) */
  configured: boolean;
  bundles: BundleEntry[];
  uploads: UploadedBundle[];
}

export async function listBundleChoices(): Promise<BundleChoices> {
  const response = await call("/api/registry/bundles", { method: "GET" });
  return (await response.json()) as BundleChoices;
}

/** The file streamed as the body; the console keeps it under its sha256. */
export async function uploadBundle(file: File): Promise<UploadedBundle> {
  const response = await call("/api/registry/bundles", { method: "POST", body: file });
  return ((await response.json()) as { upload: UploadedBundle }).upload;
}

export interface PushRequest {
  source?: string;
  upload?: string;
  concurrency?: number;
  dryRun?: boolean;
}

/** Starts the push run; its id. */
export async function startPush(request: PushRequest): Promise<string> {
  const response = await call("/api/registry/push", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  return ((await response.json()) as { id: string }).id;
}
