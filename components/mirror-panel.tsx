"use client";

import { TlsFields } from "@/components/tls-fields";
import type { MirrorForm } from "./console-state";
import { KNOWN_K0S_VERSIONS } from "./console-state";
import { FieldError, fieldClass, Hint, inputClass, Section } from "./ui";

interface Props {
  k0sVersion: string;
  mirror: MirrorForm;
  fieldError: (field: string) => string | null;
  onVersion: (version: string) => void;
  onMirror: (mirror: MirrorForm) => void;
}

export function MirrorPanel({ k0sVersion, mirror, fieldError, onVersion, onMirror }: Props) {
  const set = <K extends keyof MirrorForm>(key: K, value: MirrorForm[K]) =>
    onMirror({ ...mirror, [key]: value });
  const error = (field: string) => fieldError(field);
  return (
    <Section id="mirror" step={3} title="Mirror and k0s version">
      {/* the address first, on a row of its own: the field everything else hangs on */}
      <div className="space-y-4">
        <div>
          <label htmlFor="mirror-address" className="block text-sm font-medium">
            Registry address (host:port)
          </label>
          <div className="flex gap-2">
            <select
              aria-label="Scheme"
              value={mirror.scheme}
              onChange={(event) => set("scheme", event.target.value as MirrorForm["scheme"])}
              className={`${fieldClass} w-24 shrink-0`}
            >
              <option value="http">http</option>
              <option value="https">https</option>
            </select>
            <input
              id="mirror-address"
              value={mirror.address}
              onChange={(event) => set("address", event.target.value)}
              aria-invalid={error("mirror.address") !== null}
              className={`${fieldClass} min-w-0 flex-1 font-mono`}
            />
          </div>
          <FieldError
            id="mirror-address-error"
            message={error("mirror.address") ?? error("mirror.scheme")}
          />
        </div>
        <div className="max-w-xs">
          <label htmlFor="k0s-version" className="block text-sm font-medium">
            k0s version
          </label>
          <input
            id="k0s-version"
            list="k0s-versions"
            value={k0sVersion}
            onChange={(event) => onVersion(event.target.value)}
            aria-invalid={error("k0sVersion") !== null}
            className={`${inputClass} font-mono`}
          />
          <datalist id="k0s-versions">
            {KNOWN_K0S_VERSIONS.map((version) => (
              <option key={version} value={version} />
            ))}
          </datalist>
          <FieldError id="k0s-version-error" message={error("k0sVersion")} />
          <Hint>
            ≤ 1.35 ships containerd 1.7 (config v2); ≥ 1.36 ships containerd 2 (config v3).
          </Hint>
        </div>
      </div>

      {mirror.scheme === "https" && (
        <TlsFields
          id="mirror"
          className="mt-4 space-y-2"
          caPem={mirror.caPem}
          skipVerify={mirror.skipVerify}
          caError={error("mirror.caPem")}
          skipError={error("mirror.skipVerify")}
          skipLabel="Skip certificate verification"
          onCaPem={(value) => set("caPem", value)}
          onSkipVerify={(value) => set("skipVerify", value)}
        />
      )}

      <fieldset className="mt-4">
        <legend className="text-sm font-medium">Where the images are in the local registry</legend>
        <div className="mt-1 space-y-1 text-sm">
          <LayoutOption mirror={mirror} value="flat" onMirror={onMirror}>
            Upstream paths (<code>quay.io/calico/node</code> → <code>/calico/node</code>)
          </LayoutOption>
          <LayoutOption mirror={mirror} value="per-registry" onMirror={onMirror}>
            Under the registry name (<code>/quay.io/calico/node</code>)
          </LayoutOption>
          <LayoutOption mirror={mirror} value="prefix" onMirror={onMirror}>
            Under one prefix
          </LayoutOption>
          {mirror.layoutKind === "prefix" && (
            <>
              <label htmlFor="mirror-prefix" className="sr-only">
                Prefix
              </label>
              <input
                id="mirror-prefix"
                value={mirror.prefix}
                placeholder="k0rdent-enterprise"
                onChange={(event) => set("prefix", event.target.value)}
                aria-invalid={error("mirror.layout") !== null}
                className={`${fieldClass} ml-6 w-64 max-w-[calc(100%-1.5rem)] font-mono`}
              />
              <FieldError id="mirror-prefix-error" message={error("mirror.layout")} />
            </>
          )}
        </div>
      </fieldset>

      <div className="mt-4 space-y-1 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={mirror.fallbackToUpstream}
            onChange={(event) => set("fallbackToUpstream", event.target.checked)}
          />
          Let containerd fall back to the upstream registries (not useful in an airgap)
        </label>
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            checked={mirror.defaultMirror}
            onChange={(event) => set("defaultMirror", event.target.checked)}
          />
          Also mirror every other registry (<code>_default</code>)
        </label>
      </div>
    </Section>
  );
}

function LayoutOption({
  mirror,
  value,
  onMirror,
  children,
}: {
  mirror: MirrorForm;
  value: MirrorForm["layoutKind"];
  onMirror: (mirror: MirrorForm) => void;
  children: React.ReactNode;
}) {
  return (
    <label className="flex items-center gap-2">
      <input
        type="radio"
        name="layout"
        value={value}
        checked={mirror.layoutKind === value}
        onChange={() => onMirror({ ...mirror, layoutKind: value })}
      />
      <span>{children}</span>
    </label>
  );
}
