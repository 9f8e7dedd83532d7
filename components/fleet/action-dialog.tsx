"use client";

import { type ReactNode, useState } from "react";
import { errorText } from "@/lib/client/fleet-api";
import { DialogButtons } from "./dialog-buttons";
import { Modal } from "./modal";

/** A small modal form: runs `onSubmit`, closes on success, shows the API's message on failure. */
export function ActionDialog({
  title,
  submitLabel,
  danger = false,
  onSubmit,
  onClose,
  children,
  testId,
  wide = false,
}: {
  title: string;
  submitLabel: string;
  danger?: boolean;
  onSubmit: () => Promise<void>;
  onClose: () => void;
  children: ReactNode;
  testId?: string;
  /** room for long lines (file paths) */
  wide?: boolean;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
      onClose();
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };

  return (
    <Modal title={title} onClose={onClose} testId={testId} wide={wide}>
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        {children}
        {error && (
          <p role="alert" className="text-sm text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
        <DialogButtons label={submitLabel} busy={busy} danger={danger} onClose={onClose} />
      </form>
    </Modal>
  );
}
