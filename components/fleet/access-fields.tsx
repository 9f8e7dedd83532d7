"use client";

import { FieldError } from "@/components/ui";
import type { NodePublic } from "@/lib/inventory/types";
import { AuthFields } from "./auth-fields";
import { TextField } from "./form-field";
import type { NodeForm } from "./node-form-model";
import { SudoFields } from "./sudo-fields";

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
  const sudoStored = !node?.credential && node?.sudo.mode === "stored";
  return (
    <>
      {/* a credential brings its own sudo mode */}
      {!form.credential && (
        <fieldset className="grid gap-3 rounded-md border border-slate-200 p-3 sm:col-span-2 sm:grid-cols-2 dark:border-slate-700">
          <legend className="px-1 text-sm font-medium">Root access</legend>
          <SudoFields
            id="node-sudo"
            mode={form.sudoMode}
            password={form.sudoPassword}
            passwordStored={sudoStored}
            errorFor={errorFor}
            onChange={update}
          />
        </fieldset>
      )}
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
