/** Browser-side calls to the console's JSON API (the same API scripts use). */
import type { CatalogResult } from "@/lib/catalog/types";
import type { RenderRequest } from "@/lib/render/schema";
import type { RenderResult } from "@/lib/render/types";

/** One bad field of a request, as the API lists them (`details.issues`). */
export interface FieldIssue {
  field: string;
  /** the form's name for the field, when the API gives it */
  label?: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field: string | null,
    /** every bad field, when the API listed them */
    readonly issues: FieldIssue[] = [],
    /** the API's error code (`type:surface`) and details, for the refusals a page explains itself */
    readonly code: string | null = null,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

function fieldIssues(issues: unknown): FieldIssue[] {
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is FieldIssue =>
      typeof issue?.field === "string" && typeof issue?.message === "string",
  );
}

export async function call(path: string, init: RequestInit): Promise<Response> {
  const response = await fetch(path, { ...init, credentials: "same-origin" });
  if (response.status === 401) {
    window.location.assign("/signin");
    throw new ApiError(401, "signed out", null);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => ({}))) as {
      error?: string;
      code?: string;
      details?: { field?: string; issues?: unknown };
    };
    throw new ApiError(
      response.status,
      body.error ?? `HTTP ${response.status}`,
      body.details?.field ?? null,
      fieldIssues(body.details?.issues),
      body.code ?? null,
      body.details ?? null,
    );
  }
  return response;
}

export async function uploadCatalog(file: File): Promise<CatalogResult> {
  const response = await call(`/api/catalog?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: file,
  });
  return (await response.json()) as CatalogResult;
}

export async function renderFiles(
  request: RenderRequest,
  signal?: AbortSignal,
): Promise<RenderResult> {
  const response = await call("/api/render", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
    signal,
  });
  return (await response.json()) as RenderResult;
}

export async function downloadZip(request: RenderRequest): Promise<void> {
  const response = await call("/api/render?format=zip", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const name =
    /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ??
    "k0s-mirror.zip";
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

export interface FleetSettingsView {
  k0sVersion: string;
  registries: string[];
  mirror: RenderRequest["mirror"];
  catalog: {
    format: string;
    fileName?: string;
    loadedAt?: string;
    registries: { host: string; images: number }[];
    images: string[];
  } | null;
}

export async function loadSettings(): Promise<FleetSettingsView> {
  return (await (await call("/api/settings", { method: "GET" })).json()) as FleetSettingsView;
}

export async function saveSettings(
  settings: Pick<FleetSettingsView, "k0sVersion" | "registries" | "mirror">,
): Promise<void> {
  await call("/api/settings", {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
}
