"use client";

import { useState } from "react";
import { createCredential, fieldMessages, updateCredential } from "@/lib/client/fleet-api";
import type { CredentialPublic } from "@/lib/inventory/types";
import { AuthFields } from "./auth-fields";
import { type CredentialForm, credentialRequest, emptyCredentialForm } from "./credential-form";
import { DialogButtons } from "./dialog-buttons";
import { TextField } from "./form-field";
import { Modal } from "./modal";
import type { FieldErrors } from "./node-form-request";
import { SudoFields } from "./sudo-fields";

/** Add (stored = null) or rotate a credential. Secrets live in this dialog's state only. */
export function CredentialDialog({
  stored,
  onSaved,
  onClose,
}: {
  stored: CredentialPublic | null;
  onSaved: (credential: CredentialPublic) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState<CredentialForm>(() => emptyCredentialForm(stored));
  const [errors, setErrors] = useState<FieldErrors>(new Map());
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errorFor = (field: string) => errors.get(field) ?? null;
  const update = (patch: Partial<CredentialForm>) =>
    setForm((current) => ({ ...current, ...patch }));

  const submit = async () => {
    const { body, errors: local } = credentialRequest(form, stored);
    setErrors(local);
    setGeneral(null);
    if (local.size > 0) return;
    setBusy(true);
    try {
      onSaved(stored ? await updateCredential(stored.name, body) : await createCredential(body));
    } catch (error) {
      const { fields, general: rest } = fieldMessages(error);
      setErrors(fields);
      setGeneral(rest.join(" ") || null);
      setBusy(false);
    }
  };

  const users = stored?.nodes.length ?? 0;
  return (
    <Modal
      title={stored ? `Rotate credential ${stored.name}` : "Add a credential"}
      onClose={onClose}
      testId="credential-form"
    >
      <form
        noValidate
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {general && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {general}
          </p>
        )}
        {stored ? (
          <p className="text-sm text-slate-600 dark:text-slate-300">
            {users === 0
              ? "No node uses it yet."
              : `The ${users} node${users === 1 ? "" : "s"} using it change with it.`}
          </p>
        ) : (
          <TextField
            id="credential-name"
            label="Name"
            mono
            value={form.name}
            error={errorFor("name")}
            onChange={(name) => update({ name })}
          />
        )}
        <AuthFields
          id="credential-auth"
          field="auth"
          value={form.auth}
          stored={stored?.auth ?? null}
          errorFor={errorFor}
          onChange={(auth) => update({ auth })}
        />
        <SudoFields
          id="credential-sudo"
          mode={form.sudoMode}
          password={form.sudoPassword}
          passwordStored={stored?.sudo.hasPassword ?? false}
          errorFor={errorFor}
          onChange={update}
        />
        <DialogButtons
          label={stored ? "Rotate" : "Add credential"}
          busy={busy}
          busyLabel="Saving…"
          onClose={onClose}
        />
      </form>
    </Modal>
  );
}
