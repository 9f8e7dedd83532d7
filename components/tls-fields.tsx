import { FieldError, inputClass } from "@/components/ui";

/** A registry's TLS trust: its CA certificate (PEM) or skipping verification, with their errors. */
export function TlsFields({
  id,
  caPem,
  skipVerify,
  caError,
  skipError,
  skipLabel,
  onCaPem,
  onSkipVerify,
  className = "space-y-2",
}: {
  /** the fields' ids start with it: `${id}-ca`, `${id}-ca-error`… */
  id: string;
  caPem: string;
  skipVerify: boolean;
  caError: string | null;
  skipError: string | null;
  skipLabel: string;
  onCaPem: (value: string) => void;
  onSkipVerify: (value: boolean) => void;
  className?: string;
}) {
  const described = (error: string | null, errorId: string) => ({
    "aria-invalid": error !== null,
    "aria-describedby": error ? errorId : undefined,
  });
  return (
    <div className={className}>
      <label htmlFor={`${id}-ca`} className="block text-sm font-medium">
        CA certificate (PEM, optional)
      </label>
      <textarea
        id={`${id}-ca`}
        rows={3}
        value={caPem}
        onChange={(event) => onCaPem(event.target.value)}
        placeholder="-----BEGIN CERTIFICATE-----"
        className={`${inputClass} font-mono text-xs`}
        {...described(caError, `${id}-ca-error`)}
      />
      <FieldError id={`${id}-ca-error`} message={caError} />
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={skipVerify}
          onChange={(event) => onSkipVerify(event.target.checked)}
          {...described(skipError, `${id}-skip-error`)}
        />
        {skipLabel}
      </label>
      <FieldError id={`${id}-skip-error`} message={skipError} />
    </div>
  );
}
