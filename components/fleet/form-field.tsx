import type { ReactNode } from "react";
import { FieldError, Hint, inputClass } from "@/components/ui";
import { labelClass } from "./styles";

export interface ControlProps {
  id: string;
  "aria-invalid": boolean;
  "aria-describedby": string | undefined;
}

/** A label, a control wired to it, the field's error in place and an optional hint. */
export function Field({
  id,
  label,
  error,
  hint,
  className,
  children,
}: {
  id: string;
  label: string;
  error: string | null | undefined;
  hint?: ReactNode;
  className?: string;
  children: (props: ControlProps) => ReactNode;
}) {
  const errorId = `${id}-error`;
  return (
    <div className={className}>
      <label htmlFor={id} className={labelClass}>
        {label}
      </label>
      {children({
        id,
        "aria-invalid": Boolean(error),
        "aria-describedby": error ? errorId : undefined,
      })}
      <FieldError id={errorId} message={error ?? null} />
      {hint && <Hint>{hint}</Hint>}
    </div>
  );
}

/** A one-line text input field. */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  hint,
  placeholder,
  type = "text",
  mono = false,
  className,
  disabled,
}: {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  error: string | null | undefined;
  hint?: ReactNode;
  placeholder?: string;
  type?: "text" | "password";
  mono?: boolean;
  className?: string;
  disabled?: boolean;
}) {
  return (
    <Field id={id} label={label} error={error} hint={hint} className={className}>
      {(props) => (
        <input
          {...props}
          type={type}
          value={value}
          placeholder={placeholder}
          disabled={disabled}
          autoComplete={type === "password" ? "new-password" : "off"}
          spellCheck={false}
          onChange={(event) => onChange(event.target.value)}
          className={`${inputClass} ${mono ? "font-mono" : ""} disabled:opacity-60`}
        />
      )}
    </Field>
  );
}
