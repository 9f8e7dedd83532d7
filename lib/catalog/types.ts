/** Shapes produced by the catalog readers (pure). Match `POST /api/catalog`. */

export type CatalogFormat =
  | "plain-list"
  | "oci-index"
  | "docker-save-manifest"
  | "zarf"
  | "hauler"
  | "skopeo-sync"
  | "mindthegap"
  | "k0rdent-markdown"
  | "bundle-archive";

export interface CatalogImage {
  /** the entry as written in the catalog */
  input: string;
  /** fully normalised reference: docker.io/library/nginx:1.27.3 */
  ref: string;
  /** normalised registry host, e.g. docker.io */
  registry: string;
  /** path without the host, e.g. library/nginx */
  repository: string;
  tag: string | null;
  digest: string | null;
  /** 1-based line of the entry in the input (JSON/YAML: where the entry starts; archives: of the inner file) */
  line: number;
}

export interface CatalogEntryError {
  line: number;
  /** JSON/YAML path of the entry when the format has one, e.g. components[1].images[3] */
  path?: string;
  input: string;
  message: string;
}

export interface CatalogSkipped {
  line: number;
  input: string;
  reason: string;
}

export interface RegistryCount {
  host: string;
  images: number;
}

export interface CatalogResult {
  format: CatalogFormat;
  images: CatalogImage[];
  registries: RegistryCount[];
  skipped: CatalogSkipped[];
  errors: CatalogEntryError[];
}
