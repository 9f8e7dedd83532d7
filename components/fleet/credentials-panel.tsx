"use client";

import { useCallback, useEffect, useState } from "react";
import { buttonClass, Hint, primaryButtonClass, Section } from "@/components/ui";
import { deleteCredential, errorText, listCredentials } from "@/lib/client/fleet-api";
import type { CredentialPublic } from "@/lib/inventory/types";
import { ActionDialog } from "./action-dialog";
import { CredentialDialog } from "./credential-dialog";
import { SUDO_MODES } from "./sudo-fields";

const AUTH_LABEL = { key: "private key", password: "password", agent: "SSH agent" } as const;

type Open = { kind: "add" } | { kind: "rotate" | "delete"; credential: CredentialPublic };

/** The stored credentials, reloaded after any change. */
export function useCredentials() {
  const [credentials, setCredentials] = useState<CredentialPublic[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      setCredentials(await listCredentials());
      setError(null);
    } catch (caught) {
      setError(errorText(caught));
    }
  }, []);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { credentials, error, reload };
}

/** Credentials defined once and assigned to many nodes: list, add, rotate, delete. */
export function CredentialsPanel({
  credentials,
  error,
  onChanged,
}: {
  credentials: CredentialPublic[] | null;
  error: string | null;
  /** after an add, rotation or delete: reload the credentials and the nodes */
  onChanged: () => Promise<void>;
}) {
  const [open, setOpen] = useState<Open | null>(null);
  const changed = async () => {
    setOpen(null);
    await onChanged();
  };

  return (
    <Section id="credentials" step={3} title="Credentials">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2">
        <Hint>
          One login (a key, a password or the agent) and sudo mode for many nodes: rotate it once,
          every node using it changes. Choose it in a node's form, or for every row of an import.
        </Hint>
        <button
          type="button"
          className={primaryButtonClass}
          onClick={() => setOpen({ kind: "add" })}
        >
          Add credential
        </button>
      </div>
      {error && (
        <p role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      )}
      {credentials?.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-300">No credentials yet.</p>
      )}
      {credentials && credentials.length > 0 && (
        <ul className="divide-y divide-slate-200 dark:divide-slate-800" aria-label="Credentials">
          {credentials.map((credential) => (
            <li
              key={credential.name}
              data-credential={credential.name}
              className="flex flex-wrap items-center gap-x-4 gap-y-1 py-2 text-sm"
            >
              <span className="min-w-0 break-all font-mono font-medium">{credential.name}</span>
              <span className="text-slate-600 dark:text-slate-300">
                {AUTH_LABEL[credential.auth.kind]}
                {credential.auth.kind !== "agent" && !credential.auth.hasSecret && " (none stored)"}
                {" · "}
                {SUDO_MODES.find(({ mode }) => mode === credential.sudo.mode)?.label}
              </span>
              <span className="text-slate-600 dark:text-slate-300">
                {credential.nodes.length} node{credential.nodes.length === 1 ? "" : "s"}
              </span>
              <span className="ml-auto flex gap-2">
                <button
                  type="button"
                  className={buttonClass}
                  aria-label={`Rotate ${credential.name}`}
                  onClick={() => setOpen({ kind: "rotate", credential })}
                >
                  Rotate
                </button>
                <button
                  type="button"
                  className={buttonClass}
                  aria-label={`Delete ${credential.name}`}
                  onClick={() => setOpen({ kind: "delete", credential })}
                >
                  Delete
                </button>
              </span>
            </li>
          ))}
        </ul>
      )}
      {(open?.kind === "add" || open?.kind === "rotate") && (
        <CredentialDialog
          stored={open.kind === "rotate" ? open.credential : null}
          onSaved={() => void changed()}
          onClose={() => setOpen(null)}
        />
      )}
      {open?.kind === "delete" && (
        <ActionDialog
          title={`Delete credential ${open.credential.name}`}
          submitLabel="Delete"
          danger
          testId="credential-delete"
          onSubmit={async () => {
            await deleteCredential(open.credential.name);
            await changed();
          }}
          onClose={() => setOpen(null)}
        >
          <p className="text-sm">
            {open.credential.nodes.length > 0
              ? `${open.credential.nodes.length} node(s) use it: it cannot be deleted until they use another credential or their own login.`
              : "No node uses it. Its secrets are deleted with it."}
          </p>
        </ActionDialog>
      )}
    </Section>
  );
}
