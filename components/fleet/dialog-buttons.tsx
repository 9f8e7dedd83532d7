import { buttonClass, primaryButtonClass } from "@/components/ui";
import { dangerButtonClass } from "./styles";

/** A dialog form's Cancel and submit buttons; the submit says it is working while `busy`. */
export function DialogButtons({
  label,
  busy,
  busyLabel = "Working…",
  danger = false,
  onClose,
  className = "",
}: {
  label: string;
  busy: boolean;
  busyLabel?: string;
  danger?: boolean;
  onClose: () => void;
  className?: string;
}) {
  return (
    <div className={`flex justify-end gap-2 pt-1 ${className}`}>
      <button type="button" className={buttonClass} onClick={onClose}>
        Cancel
      </button>
      <button
        type="submit"
        disabled={busy}
        aria-busy={busy}
        className={danger ? dangerButtonClass : primaryButtonClass}
      >
        {busy ? busyLabel : label}
      </button>
    </div>
  );
}
