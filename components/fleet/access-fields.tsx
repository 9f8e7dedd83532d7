"use client";

import { FieldError, inputClass } from "@/components/ui";
import type { NodePublic } from "@/lib/inventory/types";
import { AuthFields } from "./auth-fields";
import { Field, TextField } from "./form-field";
import type { NodeForm, SudoMode } from "./node-form-model";

const SUDO_MODES: { mode: SudoMode; label: string }[] = [
  { mode: "none", label: "none: the user is root" },
  { mode: "passwordless", label: "sudo, no password" },
  { mode: "stored", label: "sudo, stored password" },
  { mode: "ask", label: "sudo, ask at each run" },
];

const KEEP = "stored — leave empty to keep";

/** Root access, bastion and the expected host key of the node form. */
export function AccessFields({
  form,
  node,
  errorFor,
  update,
}: {
  form: NodeForm;
  node: NodePublic | null;
  errorFor: (field: string) => string | null;
  update: (patch: Partial<NodeForm>) => void;
}) {
  const sudoStored = node?.sudo.mode === "stored";
  return (
    <>
      <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3 sm:col-span-2 sm:grid-cols-2 dark:border-slate-700">
        <legend className="px-1 text-sm font-medium">Root access</legend>
        <Field
          id="node-sudo"
          label="How the user becomes root"
          error={errorFor("sudo")}
          hint={
            form.sudoMode === "ask"
              ? "Asked each time checks or a run start on this node; sent with that request only, never stored."
              : undefined
          }
        >
          {(props) => (
            <select
              {...props}
              value={form.sudoMode}
              onChange={(event) => update({ sudoMode: event.target.value as SudoMode })}
              className={inputClass}
            >
              {SUDO_MODES.map(({ mode, label }) => (
                <option key={mode} value={mode}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {form.sudoMode === "stored" && (
          <TextField
            id="node-sudo-password"
            label="sudo password"
            type="password"
            value={form.sudoPassword}
            placeholder={sudoStored ? KEEP : undefined}
            error={errorFor("sudo.password")}
            onChange={(sudoPassword) => update({ sudoPassword })}
          />
        )}
      </fieldset>
      <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3 sm:col-span-2 sm:grid-cols-3 dark:border-slate-700">
        <legend className="px-1 text-sm font-medium">Bastion (jump host)</legend>
        <div className="sm:col-span-3">
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={form.bastion}
              onChange={(event) => update({ bastion: event.target.checked })}
              aria-describedby={errorFor("bastion") ? "node-bastion-error" : undefined}
            />
            Reach this node through a bastion
          </label>
          <FieldError id="node-bastion-error" message={errorFor("bastion")} />
        </div>
        {form.bastion && (
          <>
            <TextField
              id="bastion-address"
              label="Bastion address"
              mono
              value={form.bastionAddress}
              error={errorFor("bastion.address")}
              onChange={(bastionAddress) => update({ bastionAddress })}
            />
            <TextField
              id="bastion-port"
              label="Port"
              mono
              value={form.bastionPort}
              error={errorFor("bastion.port")}
              onChange={(bastionPort) => update({ bastionPort })}
            />
            <TextField
              id="bastion-user"
              label="User"
              mono
              value={form.bastionUser}
              error={errorFor("bastion.user")}
              onChange={(bastionUser) => update({ bastionUser })}
            />
            <div className="sm:col-span-3">
              <AuthFields
                id="bastion-auth"
                field="bastion.auth"
                value={form.bastionAuth}
                stored={node?.bastion?.auth ?? null}
                errorFor={errorFor}
                onChange={(bastionAuth) => update({ bastionAuth })}
              />
            </div>
          </>
        )}
      </fieldset>
      <TextField
        id="node-fingerprint"
        label="Expected host key fingerprint (optional)"
        className="sm:col-span-2"
        mono
        placeholder="SHA256:…"
        value={form.expectedFingerprint}
        error={errorFor("expectedFingerprint")}
        hint={
          <>
            From the host itself: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>. The
            first connection must then present exactly this key.
          </>
        }
        onChange={(expectedFingerprint) => update({ expectedFingerprint })}
      />
    </>
  );
}
