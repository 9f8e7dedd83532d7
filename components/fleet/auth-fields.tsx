"use client";

import { inputClass } from "@/components/ui";
import type { AuthSummary } from "@/lib/inventory/types";
import { Field, TextField } from "./form-field";
import type { AuthKind, AuthFields as AuthValue } from "./node-form-model";

const KINDS: { kind: AuthKind; label: string }[] = [
  { kind: "key", label: "Private key" },
  { kind: "password", label: "Password" },
  { kind: "agent", label: "SSH agent of the console" },
];

const KEEP = "stored — leave empty to keep";

/** How one SSH login authenticates. Secret fields start empty; a stored secret is kept unless replaced. */
export function AuthFields({
  id,
  field,
  value,
  stored,
  errorFor,
  onChange,
}: {
  id: string;
  /** the API's field path: "auth" or "bastion.auth" */
  field: string;
  value: AuthValue;
  stored: AuthSummary | null;
  errorFor: (field: string) => string | null;
  onChange: (value: AuthValue) => void;
}) {
  const sameKind = stored?.kind === value.kind;
  const keepSecret = sameKind && stored?.hasSecret;
  const set = (patch: Partial<AuthValue>) => onChange({ ...value, ...patch });

  return (
    <div className="space-y-3">
      <Field id={`${id}-kind`} label="Authentication" error={errorFor(field)}>
        {(props) => (
          <select
            {...props}
            value={value.kind}
            onChange={(event) => set({ kind: event.target.value as AuthKind })}
            className={inputClass}
          >
            {KINDS.map(({ kind, label }) => (
              <option key={kind} value={kind}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {value.kind === "key" && (
        <>
          <Field
            id={`${id}-key`}
            label="Private key"
            error={errorFor(`${field}.privateKey`)}
            hint={
              keepSecret
                ? "A key is stored. Paste a new one only to replace it."
                : "OpenSSH, PEM or PuTTY private key. It is stored encrypted and never shown again."
            }
          >
            {(props) => (
              <>
                <textarea
                  {...props}
                  rows={4}
                  value={value.privateKey}
                  placeholder={keepSecret ? KEEP : "-----BEGIN OPENSSH PRIVATE KEY-----"}
                  spellCheck={false}
                  autoComplete="off"
                  onChange={(event) => set({ privateKey: event.target.value })}
                  className={`${inputClass} font-mono text-xs`}
                />
                <input
                  type="file"
                  aria-label="Load the private key from a file"
                  className="mt-1 block text-xs text-slate-600 file:mr-2 file:rounded file:border file:border-slate-300 file:bg-white file:px-2 file:py-0.5 dark:text-slate-400 dark:file:border-slate-700 dark:file:bg-slate-900 dark:file:text-slate-200"
                  onChange={async (event) => {
                    const file = event.target.files?.[0];
                    event.target.value = "";
                    if (file && file.size < 64 * 1024) set({ privateKey: await file.text() });
                  }}
                />
              </>
            )}
          </Field>
          <TextField
            id={`${id}-passphrase`}
            label="Key passphrase (if the key has one)"
            type="password"
            value={value.passphrase}
            placeholder={sameKind && stored?.hasPassphrase ? KEEP : undefined}
            error={errorFor(`${field}.passphrase`)}
            onChange={(passphrase) => set({ passphrase })}
          />
        </>
      )}
      {value.kind === "password" && (
        <TextField
          id={`${id}-password`}
          label="Password"
          type="password"
          value={value.password}
          placeholder={keepSecret ? KEEP : undefined}
          error={errorFor(`${field}.password`)}
          onChange={(password) => set({ password })}
        />
      )}
      {value.kind === "agent" && (
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Uses the keys loaded in the agent at the console's <code>SSH_AUTH_SOCK</code>.
        </p>
      )}
    </div>
  );
}
