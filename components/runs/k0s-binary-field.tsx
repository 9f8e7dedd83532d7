"use client";

import { useEffect, useId, useRef, useState } from "react";
import { labelClass } from "@/components/fleet/styles";
import { buttonClass, FieldError, Hint, inputClass } from "@/components/ui";
import type { K0sArch } from "@/lib/binaries/executable";
import {
  describeBinary,
  listBinaries,
  type StoredBinary,
  uploadBinary,
} from "@/lib/client/binaries-api";
import { allLatestChecks, errorText } from "@/lib/client/fleet-api";
import { archesToChoose, type FleetArches, fleetArches } from "@/lib/runs/binary-choice";

/** The sha256 of the stored binary a run uploads to the nodes of each architecture. */
export type BinaryChoice = Partial<Record<K0sArch, string>>;

/**
 * Which stored k0s binary an apply uploads to the nodes of each architecture the fleet has (as
 * its nodes' checks recorded it; all three while none is known), and a button per architecture
 * to upload one. None: k0s is already on those nodes.
 */
export function K0sBinariesField({
  value,
  onChange,
  nodeCount,
}: {
  value: BinaryChoice;
  onChange: (value: BinaryChoice) => void;
  /** the fleet's nodes: those without a recorded architecture are "not checked yet" */
  nodeCount: number;
}) {
  const id = useId();
  const [binaries, setBinaries] = useState<StoredBinary[] | null>(null);
  const [fleet, setFleet] = useState<FleetArches | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listBinaries()
      .then(setBinaries)
      .catch((caught) => setError(`Could not list the stored binaries: ${errorText(caught)}`));
    allLatestChecks()
      .then((results) => {
        const recorded = results.filter((result) => result.check === "os.arch");
        setFleet(
          fleetArches(
            recorded.map((result) => result.evidence.trim()),
            nodeCount,
          ),
        );
      })
      .catch(() => setFleet(fleetArches([], nodeCount))); // all three are offered
  }, [nodeCount]);

  // a choice remembered from an earlier plan whose binary has since been deleted is dropped
  useEffect(() => {
    if (binaries === null) return;
    const stored = new Set(binaries.map((binary) => binary.sha256));
    const kept = Object.entries(value).filter(([, sha256]) => stored.has(sha256));
    if (kept.length < Object.keys(value).length) onChange(Object.fromEntries(kept));
  }, [binaries, value, onChange]);

  const arches = fleet ? archesToChoose(fleet) : [];
  const uploaded = (binary: StoredBinary) =>
    setBinaries((current) => [
      binary,
      ...(current ?? []).filter((b) => b.sha256 !== binary.sha256),
    ]);

  return (
    <fieldset className="w-full max-w-2xl space-y-3" data-testid="k0s-binary-field">
      <legend className="text-sm font-semibold">k0s binaries</legend>
      <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="fleet-arches">
        {fleet ? archesSentence(fleet) : "Reading the nodes' architectures…"}
      </p>
      {arches.map((arch) => (
        <ArchBinaryRow
          key={arch}
          id={`${id}-${arch}`}
          arch={arch}
          binaries={binaries ?? []}
          value={value[arch] ?? ""}
          onChange={(sha256) => {
            const { [arch]: _dropped, ...others } = value;
            onChange(sha256 ? { ...others, [arch]: sha256 } : others);
          }}
          onUploaded={uploaded}
        />
      ))}
      <FieldError id={`${id}-error`} message={error} />
      <Hint>
        An apply started from this plan uploads each node the binary of its architecture, where the
        node does not already have exactly it (checked by sha256). Linux ELF for amd64, arm64 or
        arm, up to 1 GiB; its k0s version must be the fleet's.
      </Hint>
    </fieldset>
  );
}

/** "…: amd64 (3 nodes), arm64 (1 node). 2 nodes not checked yet: …" */
function archesSentence(fleet: FleetArches): string {
  const nodes = (count: number) => `${count} node${count === 1 ? "" : "s"}`;
  const counted = Object.entries(fleet.nodes).map(([arch, count]) => `${arch} (${nodes(count)})`);
  return [
    counted.length > 0 ? `The fleet's architectures, from its checks: ${counted.join(", ")}.` : "",
    fleet.unsupported.length > 0 ? `k0s ships no binary for ${fleet.unsupported.join(", ")}.` : "",
    fleet.unknown > 0
      ? `${nodes(fleet.unknown)} not checked yet: a binary can be chosen for every architecture (the plan reads each node's).`
      : "",
  ]
    .filter(Boolean)
    .join(" ");
}

function ArchBinaryRow({
  id,
  arch,
  binaries,
  value,
  onChange,
  onUploaded,
}: {
  id: string;
  arch: K0sArch;
  binaries: StoredBinary[];
  value: string;
  onChange: (sha256: string) => void;
  onUploaded: (binary: StoredBinary) => void;
}) {
  const file = useRef<HTMLInputElement>(null);
  const [uploading, setUploading] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<StoredBinary | null>(null);
  const [error, setError] = useState<string | null>(null);
  // a script (the lab's stand-in) runs on any architecture
  const fitting = binaries.filter((binary) => binary.arch === arch || binary.arch === null);

  const upload = async (chosen: File | undefined) => {
    if (!chosen) return;
    setError(null);
    setUploaded(null);
    setUploading(chosen.name);
    try {
      const binary = await uploadBinary(chosen);
      onUploaded(binary);
      if (binary.arch && binary.arch !== arch) {
        setError(
          `${chosen.name} is the k0s binary for ${binary.arch}, not ${arch}: it is kept, choose it as the binary for ${binary.arch}.`,
        );
        return;
      }
      setUploaded(binary);
      onChange(binary.sha256);
    } catch (caught) {
      setError(`${chosen.name}: ${errorText(caught)}`);
    } finally {
      setUploading(null);
    }
  };

  return (
    <div data-testid={`k0s-binary-${arch}`}>
      <label htmlFor={`${id}-select`} className={labelClass}>
        k0s binary for {arch}
      </label>
      <div className="flex flex-wrap items-center gap-2 sm:flex-nowrap">
        <select
          id={`${id}-select`}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          className={inputClass}
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
          data-testid="k0s-binary-select"
        >
          <option value="">None (the nodes' own /usr/local/bin/k0s)</option>
          {fitting.map((binary) => (
            <option key={binary.sha256} value={binary.sha256}>
              {describeBinary(binary)} · {binary.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-file`} className="sr-only">
          k0s binary file for {arch} to upload
        </label>
        <input
          ref={file}
          id={`${id}-file`}
          type="file"
          className="sr-only"
          data-testid="k0s-binary-input"
          onChange={(event) => {
            void upload(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
        <button
          type="button"
          className={`${buttonClass} whitespace-nowrap`}
          disabled={uploading !== null}
          aria-busy={uploading !== null}
          onClick={() => file.current?.click()}
        >
          {uploading ? `Uploading ${uploading}…` : `Upload ${arch} binary`}
        </button>
      </div>
      {uploaded && (
        <p role="status" className="mt-1 text-sm text-green-800 dark:text-green-400">
          Uploaded {uploaded.name}: k0s {describeBinary(uploaded)}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
    </div>
  );
}
