import type { FleetSettingsView, SettingsDraft } from "@/lib/client/api";

/** Registries k0s itself pulls from: always offered. */
const K0S_REGISTRIES = ["registry.k8s.io", "quay.io"];

export const KNOWN_K0S_VERSIONS = [
  "1.36.3",
  "1.35.7",
  "1.34.6",
  "1.33.9",
  "1.32.8",
  "1.31.12",
  "1.30.14",
];

export interface RegistryChoice {
  host: string;
  selected: boolean;
  source: "k0s" | "catalog" | "manual";
  images: number;
}

export interface MirrorForm {
  address: string;
  scheme: "http" | "https";
  caPem: string;
  skipVerify: boolean;
  layoutKind: "flat" | "per-registry" | "prefix";
  prefix: string;
  fallbackToUpstream: boolean;
  defaultMirror: boolean;
}

export interface ConsoleSettings {
  k0sVersion: string;
  registries: RegistryChoice[];
  mirror: MirrorForm;
}

const DEFAULT_SETTINGS: ConsoleSettings = {
  k0sVersion: "1.35.7",
  registries: K0S_REGISTRIES.map((host) => ({ host, selected: true, source: "k0s", images: 0 })),
  mirror: {
    address: "127.0.0.1:5000",
    scheme: "http",
    caPem: "",
    skipVerify: false,
    layoutKind: "flat",
    prefix: "",
    fallbackToUpstream: false,
    defaultMirror: false,
  },
};

/**
 * Sets the choices to the fleet catalog's registries (the union of its sources): new ones
 * selected, counts refreshed, those no source brings any more gone, k0s and manual ones kept.
 */
export function withCatalogRegistries(
  choices: RegistryChoice[],
  registries: { host: string; images: number }[],
): RegistryChoice[] {
  const counts = new Map(registries.map((registry) => [registry.host, registry.images]));
  const kept = choices
    .filter((choice) => choice.source !== "catalog" || counts.has(choice.host))
    .map((choice) => ({ ...choice, images: counts.get(choice.host) ?? 0 }));
  const added = registries
    .filter((registry) => !kept.some((choice) => choice.host === registry.host))
    .map((registry) => ({
      host: registry.host,
      selected: true,
      source: "catalog" as const,
      images: registry.images,
    }));
  return [...kept, ...added];
}

/** The fleet settings the form stands for (what PUT /api/settings stores). */
export function toSettingsDraft(settings: ConsoleSettings): SettingsDraft {
  const { mirror } = settings;
  return {
    k0sVersion: settings.k0sVersion,
    registries: settings.registries
      .filter((choice) => choice.selected)
      .map((choice) => choice.host),
    mirror: {
      address: mirror.address,
      scheme: mirror.scheme,
      caPem: mirror.scheme === "https" && mirror.caPem.trim() ? mirror.caPem : undefined,
      skipVerify: mirror.scheme === "https" ? mirror.skipVerify : undefined,
      layout: mirror.layoutKind === "prefix" ? { prefix: mirror.prefix } : mirror.layoutKind,
      fallbackToUpstream: mirror.fallbackToUpstream,
      defaultMirror: mirror.defaultMirror,
    },
  };
}

/** The editable form of the fleet settings the console keeps (GET /api/settings). */
export function fromFleetSettings(stored: FleetSettingsView): ConsoleSettings {
  const counts = new Map((stored.catalog?.registries ?? []).map((r) => [r.host, r.images]));
  const hosts = [...new Set([...K0S_REGISTRIES, ...counts.keys(), ...stored.registries])];
  const { layout = "flat", ...mirror } = stored.mirror;
  return {
    ...DEFAULT_SETTINGS,
    k0sVersion: stored.k0sVersion,
    registries: hosts.map((host) => ({
      host,
      selected: stored.registries.includes(host),
      source: K0S_REGISTRIES.includes(host) ? "k0s" : counts.has(host) ? "catalog" : "manual",
      images: counts.get(host) ?? 0,
    })),
    mirror: {
      ...DEFAULT_SETTINGS.mirror,
      ...mirror,
      caPem: mirror.caPem ?? "",
      skipVerify: mirror.skipVerify ?? false,
      fallbackToUpstream: mirror.fallbackToUpstream ?? false,
      defaultMirror: mirror.defaultMirror ?? false,
      layoutKind: typeof layout === "object" ? "prefix" : layout,
      prefix: typeof layout === "object" ? layout.prefix : "",
    },
  };
}
