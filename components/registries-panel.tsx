"use client";

import { type FormEvent, useState } from "react";
import { registryHostProblem } from "@/lib/render/registry-host";
import type { RegistryChoice } from "./console-state";
import { buttonClass, FieldError, Hint, inputClass, Section } from "./ui";

const SOURCE_LABEL = {
  k0s: "k0s system images",
  catalog: "from the catalog",
  manual: "added by hand",
} as const;

export function RegistriesPanel({
  registries,
  error,
  onChange,
}: {
  registries: RegistryChoice[];
  error: string | null;
  onChange: (registries: RegistryChoice[]) => void;
}) {
  const [typed, setTyped] = useState("");
  const [typedError, setTypedError] = useState<string | null>(null);
  const add = (event: FormEvent) => {
    event.preventDefault();
    const host = typed.trim().toLowerCase();
    // the API's own rule, so a bad registry is named here, not later as "Registry 8"
    const problem = host ? registryHostProblem(host) : "type a registry host, e.g. ghcr.io";
    if (problem) {
      setTypedError(`Registry to add: ${problem}`);
      return;
    }
    setTypedError(null);
    if (!registries.some((choice) => choice.host === host)) {
      onChange([...registries, { host, selected: true, source: "manual", images: 0 }]);
    }
    setTyped("");
  };
  const toggle = (host: string) =>
    onChange(
      registries.map((choice) =>
        choice.host === host ? { ...choice, selected: !choice.selected } : choice,
      ),
    );

  return (
    <Section id="registries" step={2} title="Registries to mirror">
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="registry-list">
        {registries.map((choice) => (
          <li key={choice.host} className="flex items-center gap-3 py-1.5 text-sm">
            <input
              id={`registry-${choice.host}`}
              type="checkbox"
              checked={choice.selected}
              onChange={() => toggle(choice.host)}
              className="h-4 w-4"
            />
            <label htmlFor={`registry-${choice.host}`} className="flex-1 font-mono">
              {choice.host}
            </label>
            <span className="text-xs text-slate-500 dark:text-slate-400">
              {choice.images > 0
                ? `${choice.images} image${choice.images === 1 ? "" : "s"} · `
                : ""}
              {SOURCE_LABEL[choice.source]}
            </span>
            {choice.source === "manual" && (
              <button
                type="button"
                aria-label={`Remove ${choice.host}`}
                className="text-xs text-slate-600 underline dark:text-slate-400"
                onClick={() => onChange(registries.filter((other) => other.host !== choice.host))}
              >
                remove
              </button>
            )}
          </li>
        ))}
      </ul>
      <form onSubmit={add} className="mt-3 flex gap-2">
        <label htmlFor="registry-add" className="sr-only">
          Registry to add
        </label>
        <input
          id="registry-add"
          value={typed}
          onChange={(event) => {
            setTyped(event.target.value);
            setTypedError(null);
          }}
          aria-invalid={typedError !== null}
          aria-describedby={typedError ? "registry-add-error" : undefined}
          placeholder="e.g. ghcr.io"
          className={`${inputClass} font-mono`}
        />
        <button type="submit" className={buttonClass}>
          Add
        </button>
      </form>
      <FieldError id="registry-add-error" message={typedError} />
      <FieldError id="registries-error" message={error} />
      <Hint>
        Each selected registry gets a certs.d/&lt;registry&gt;/hosts.toml pointing at the mirror.
      </Hint>
    </Section>
  );
}
