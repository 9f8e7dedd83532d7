/**
 * A push run's figures as the browser derives them from its progress events: each artifact's
 * latest state, how many are in each state, the bundle's bytes read of its total, the rate so far
 * and the time left at that rate. Pure.
 */
import type { RunModel } from "@/lib/runs/run-model";
import type { ArtifactRunState } from "@/lib/runs/types";

/** A push run's one part: the registry it fills. */
export const PUSH_PART = "registry";
/** A push run's own progress item: bytes of the bundle read so far. */
export const BUNDLE_READ = "bundle";

export interface PushArtifactRow {
  reference: string;
  artifact: string;
  state: ArtifactRunState;
  /** bytes so far (uploading), uploaded (done), or the artifact's size (planned) */
  done: number;
  total: number | null;
  digest: string | null;
  error: string | null;
}

export interface PushFigures {
  artifacts: PushArtifactRow[];
  counts: Partial<Record<ArtifactRunState, number>>;
  readBytes: number;
  totalBytes: number | null;
  /** bytes of the bundle read per second, on average since the run started; null before any */
  bytesPerSecond: number | null;
  /** at that rate; null when unknown */
  secondsLeft: number | null;
}

export function pushFigures(progress: RunModel["progress"], elapsedSeconds: number): PushFigures {
  const artifacts: PushArtifactRow[] = Object.values(progress?.[PUSH_PART] ?? {}).flatMap((item) =>
    item.state === undefined
      ? []
      : [
          {
            reference: item.item,
            artifact: item.artifact ?? item.item,
            state: item.state,
            done: item.done,
            total: item.total,
            digest: item.digest ?? null,
            error: item.error ?? null,
          },
        ],
  );
  const counts: PushFigures["counts"] = {};
  for (const row of artifacts) counts[row.state] = (counts[row.state] ?? 0) + 1;
  const bundle = progress?.[""]?.[BUNDLE_READ];
  const readBytes = bundle?.done ?? 0;
  const totalBytes = bundle?.total ?? null;
  const bytesPerSecond = readBytes > 0 && elapsedSeconds > 0 ? readBytes / elapsedSeconds : null;
  const secondsLeft =
    bytesPerSecond !== null && totalBytes !== null
      ? Math.max(0, totalBytes - readBytes) / bytesPerSecond
      : null;
  return { artifacts, counts, readBytes, totalBytes, bytesPerSecond, secondsLeft };
}
