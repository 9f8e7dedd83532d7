import type { RegistryClient } from "./client";
import type { RegistryError } from "./errors";

/** What a push is asked to do and what it reports: typed events the runs machinery can carry. */

export interface PushOptions {
  /** the registry; absent = dry run */
  client?: RegistryClient;
  /** repository prefix, e.g. "k0rdent-enterprise" ("" for none) */
  prefix: string;
  /** artifacts (and blobs of one artifact) pushed at once; default 4 */
  concurrency?: number;
  signal?: AbortSignal;
  onEvent?: (event: PushEvent) => void;
}

export type ArtifactState = "queued" | "uploading" | "skipped" | "done" | "failed" | "planned";

interface ArtifactEventBase {
  type: "artifact";
  /** the artifact's path in the bundle (or its image name in an OCI layout) */
  artifact: string;
  /** where it lands: repository:tag (absent when the name itself is the problem) */
  reference?: string;
}

/** An artifact's state, with what each state carries. */
export type ArtifactStatus =
  | { state: "queued" }
  | { state: "uploading"; bytes: number; total: number }
  | { state: "skipped"; digest: string }
  | { state: "done"; digest: string; uploadedBytes: number }
  | { state: "failed"; error: RegistryError }
  | { state: "planned"; digest: string; mediaType: string; platforms: string[]; size: number };

export type ArtifactEvent = ArtifactEventBase & ArtifactStatus;

export interface ProgressEvent {
  type: "progress";
  /** bytes of the bundle file(s) read so far, and their total */
  readBytes: number;
  totalBytes: number;
  /** blob bytes sent to the registry */
  uploadedBytes: number;
  /** blob bytes the registry had (or got by mount) */
  skippedBytes: number;
}

export type PushEvent = ArtifactEvent | ProgressEvent;

export interface ArtifactResult {
  artifact: string;
  reference?: string;
  state: "skipped" | "done" | "failed" | "planned";
  digest?: string;
  mediaType?: string;
  platforms?: string[];
  size?: number;
  uploadedBytes: number;
  error?: RegistryError;
}

export interface PushSummary {
  artifacts: ArtifactResult[];
  readBytes: number;
  totalBytes: number;
  uploadedBytes: number;
  skippedBytes: number;
  failed: number;
}
