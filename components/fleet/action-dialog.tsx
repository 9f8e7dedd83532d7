"use client";

import { type ReactNode, useState } from "react";
import { buttonClass, primaryButtonClass } from "@/components/ui";
import { errorText } from "@/lib/client/fleet-api";
import { Modal } from "./modal";
import { dangerButtonClass } from "./styles";

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
        <div className="flex justify-end gap-2 pt-1">
          <button type="button" className={buttonClass} onClick={onClose}>
            Cancel
          </button>
          <button
            type="submit"
            disabled={busy}
            aria-busy={busy}
            className={danger ? dangerButtonClass : primaryButtonClass}
          >
            {busy ? "Working…" : submitLabel}
          </button>
        </div>
      </form>
    </Modal>
  );
}
