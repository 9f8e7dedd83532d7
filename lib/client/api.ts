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

/** Reads a catalog and keeps it as one more source of the fleet's catalog (`replace`: the only one). */
export async function uploadCatalog(file: File, replace = false): Promise<CatalogResult> {
  const query = `name=${encodeURIComponent(file.name)}${replace ? "&replace=true" : ""}`;
  const response = await call(`/api/catalog?${query}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: file,
  });
  return (await response.json()) as CatalogResult;
}

/** The fleet settings the config page edits (the shape PUT /api/settings takes). */
export type SettingsDraft = Pick<RenderRequest, "k0sVersion" | "registries" | "mirror">;

/** GET /api/fleet/render: the fleet's files with the stored settings (lib/fleet/render-fleet.ts). */
export interface FleetPreview extends RenderResult {
  fleet: { name: string; role: RenderResult["nodes"][number]["role"] }[];
  sample: boolean;
}

/** The fleet rendered with the stored settings, with the files of `node` (the first node while null). */
export async function loadFleetPreview(
  node: string | null,
  signal?: AbortSignal,
): Promise<FleetPreview> {
  const response = await call(`/api/fleet/render?node=${encodeURIComponent(node ?? "")}`, {
    method: "GET",
    signal,
  });
  return (await response.json()) as FleetPreview;
}

/** Downloads the zip of every node of the fleet, or of `node`, as plans and applies write them. */
export async function downloadFleetZip(node?: string): Promise<void> {
  const query = node === undefined ? "" : `&node=${encodeURIComponent(node)}`;
  const response = await call(`/api/fleet/render?format=zip${query}`, { method: "GET" });
  const name =
    /filename="([^"]+)"/.exec(response.headers.get("content-disposition") ?? "")?.[1] ??
    "k0s-mirror.zip";
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement("a"), { href: url, download: name });
  link.click();
  URL.revokeObjectURL(url);
}

/** GET /api/catalog/sources: each uploaded catalog, and their union (the fleet's catalog). */
export interface CatalogSources {
  sources: {
    id: number;
    name: string;
    format: string;
    images: number;
    registries: { host: string; images: number }[];
    skipped: number;
    errors: number;
    loadedAt: string;
  }[];
  catalog: { images: number; registries: { host: string; images: number }[] };
}

export async function loadCatalogSources(): Promise<CatalogSources> {
  return (await (await call("/api/catalog/sources", { method: "GET" })).json()) as CatalogSources;
}

/** Removes one source; answers what is left. */
export async function removeCatalogSource(id: number): Promise<CatalogSources> {
  const response = await call(`/api/catalog/sources/${id}`, { method: "DELETE" });
  return (await response.json()) as CatalogSources;
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

export async function saveSettings(settings: SettingsDraft, signal?: AbortSignal): Promise<void> {
  await call("/api/settings", {
    method: "PUT",
    signal,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(settings),
  });
}
