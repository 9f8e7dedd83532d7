"use client";

import { useEffect, useRef, useState } from "react";
import { ApiError } from "@/lib/client/api";
import { createNode, fieldMessages, listCredentials, updateNode } from "@/lib/client/fleet-api";
import type { NodeInput, NodePublic } from "@/lib/inventory/types";
import { AccessFields } from "./access-fields";
import { AuthFields } from "./auth-fields";
import { BasicFields } from "./basic-fields";
import { CredentialChoice } from "./credential-choice";
import { DialogButtons } from "./dialog-buttons";
import { Modal } from "./modal";
import { emptyForm, formOf, type NodeForm } from "./node-form-model";
import { type FieldErrors, toRequest } from "./node-form-request";
import { placeErrors } from "./place-errors";

/** Add (node = null) or edit a node. Secrets live in this dialog's state only, and die with it. */
export function NodeFormDialog({
  node,
  onSaved,
  onClose,
}: {
  node: NodePublic | null;
  onSaved: (node: NodePublic) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState<NodeForm>(() => (node ? formOf(node) : emptyForm()));
  const [errors, setErrors] = useState<FieldErrors>(new Map());
  const [general, setGeneral] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [credentials, setCredentials] = useState<string[]>([]);
  const formRef = useRef<HTMLFormElement>(null);
  const update = (patch: Partial<NodeForm>) => setForm((current) => ({ ...current, ...patch }));
  const errorFor = (field: string) => errors.get(field) ?? null;

  useEffect(() => {
    // without the list the node keeps what it has: its own login or its credential
    listCredentials()
      .then((list) => setCredentials(list.map((credential) => credential.name)))
      .catch(() => undefined);
  }, []);

  useEffect(() => {
    if (errors.size > 0)
      formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [errors]);

  const submit = async () => {
    const { body, errors: local } = toRequest(form, node);
    setGeneral([]);
    setErrors(local);
    if (local.size > 0) return;
    setBusy(true);
    try {
      onSaved(node ? await updateNode(node.name, body) : await createNode(body as NodeInput));
    } catch (error) {
      const { fields, general: rest } = fieldMessages(error);
      if (error instanceof ApiError && error.status === 409 && fields.size === 0) {
        fields.set("name", error.message);
        rest.length = 0;
      }
      const placed = placeErrors(fields, rest);
      setErrors(placed.fields);
      setGeneral(placed.general);
      setBusy(false);
    }
  };

  return (
    <Modal
      title={node ? `Edit ${node.name}` : "Add a node"}
      onClose={onClose}
      wide
      testId="node-form"
    >
      <form
        ref={formRef}
        noValidate
        className="grid gap-3 sm:grid-cols-2"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {general.length > 0 && (
          <div
            role="alert"
            className="rounded-md border-l-4 border-red-600 bg-red-50 px-3 py-2 text-sm text-red-800 sm:col-span-2 dark:bg-red-950/40 dark:text-red-200"
          >
            {general.map((message) => (
              <p key={message}>{message}</p>
            ))}
          </div>
        )}
        <BasicFields form={form} editing={node !== null} errorFor={errorFor} update={update} />
        <fieldset className="rounded-md border border-slate-200 p-3 sm:col-span-2 dark:border-slate-700">
          <legend className="px-1 text-sm font-medium">SSH login</legend>
          <CredentialChoice
            names={credentials}
            value={form.credential}
            error={errorFor("credential")}
            onChange={(credential) => update({ credential })}
          />
          {!form.credential && (
            <AuthFields
              id="node-auth"
              field="auth"
              value={form.auth}
              stored={node?.credential ? null : (node?.auth ?? null)}
              errorFor={errorFor}
              onChange={(auth) => update({ auth })}
            />
          )}
        </fieldset>
        <AccessFields form={form} node={node} errorFor={errorFor} update={update} />
        <DialogButtons
          label={node ? "Save changes" : "Add node"}
          busy={busy}
          busyLabel="Saving…"
          onClose={onClose}
          className="sm:col-span-2"
        />
      </form>
    </Modal>
  );
}
