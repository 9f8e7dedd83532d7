"use client";

import { useEffect, useId, useRef, useState } from "react";
import { labelClass } from "@/components/fleet/styles";
import { buttonClass, FieldError, Hint, inputClass } from "@/components/ui";
import {
  describeBinary,
  listBinaries,
  type StoredBinary,
  uploadBinary,
} from "@/lib/client/binaries-api";
import { errorText } from "@/lib/client/fleet-api";

/**
 * Which stored k0s binary an apply uploads (none: k0s is already on the nodes), and a button to
 * upload one. `value` is the binary's sha256, or "" for none.
 */
export function K0sBinaryField({
  value,
  onChange,
}: {
  value: string;
  onChange: (sha256: string) => void;
}) {
  const id = useId();
  const file = useRef<HTMLInputElement>(null);
  const [binaries, setBinaries] = useState<StoredBinary[]>([]);
  const [uploading, setUploading] = useState<string | null>(null);
  const [uploaded, setUploaded] = useState<StoredBinary | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    listBinaries()
      .then(setBinaries)
      .catch((caught) => setError(`Could not list the stored binaries: ${errorText(caught)}`));
  }, []);

  const upload = async (chosen: File | undefined) => {
    if (!chosen) return;
    setError(null);
    setUploaded(null);
    setUploading(chosen.name);
    try {
      const binary = await uploadBinary(chosen);
      setBinaries((current) => [binary, ...current.filter((b) => b.sha256 !== binary.sha256)]);
      setUploaded(binary);
      onChange(binary.sha256);
    } catch (caught) {
      setError(`${chosen.name}: ${errorText(caught)}`);
    } finally {
      setUploading(null);
    }
  };

  return (
    <div className="w-full max-w-xl" data-testid="k0s-binary-field">
      <label htmlFor={`${id}-select`} className={labelClass}>
        k0s binary
      </label>
      <div className="flex flex-wrap items-center gap-2 sm:flex-nowrap">
        <select
          id={`${id}-select`}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          className={inputClass}
          aria-describedby={`${id}-hint`}
          data-testid="k0s-binary-select"
        >
          <option value="">None: k0s is already at /usr/local/bin/k0s on the nodes</option>
          {binaries.map((binary) => (
            <option key={binary.sha256} value={binary.sha256}>
              {describeBinary(binary)} · {binary.name}
            </option>
          ))}
        </select>
        <label htmlFor={`${id}-file`} className="sr-only">
          k0s binary file to upload
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
          {uploading ? `Uploading ${uploading}…` : "Upload k0s binary"}
        </button>
      </div>
      {uploaded && (
        <p role="status" className="mt-1 text-sm text-green-800 dark:text-green-400">
          Uploaded {uploaded.name}: k0s {describeBinary(uploaded)}
        </p>
      )}
      <FieldError id={`${id}-error`} message={error} />
      <div id={`${id}-hint`}>
        <Hint>
          An apply started from this plan uploads it to every node that does not already have
          exactly this binary (checked by sha256). Linux ELF for amd64, arm64 or arm, up to 1 GiB.
        </Hint>
      </div>
    </div>
  );
}
