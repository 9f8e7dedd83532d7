"use client";

import { inputClass } from "@/components/ui";
import { Field, TextField } from "./form-field";
import type { SudoMode } from "./node-form-model";

export const SUDO_MODES: { mode: SudoMode; label: string }[] = [
  { mode: "none", label: "none: the user is root" },
  { mode: "passwordless", label: "sudo, no password" },
  { mode: "stored", label: "sudo, stored password" },
  { mode: "ask", label: "sudo, ask at each run" },
];

/** How the user becomes root, and the sudo password when it is stored (of a node or a credential). */
export function SudoFields({
  id,
  mode,
  password,
  passwordStored,
  errorFor,
  onChange,
}: {
  id: string;
  mode: SudoMode;
  password: string;
  passwordStored: boolean;
  errorFor: (field: string) => string | null;
  onChange: (patch: { sudoMode?: SudoMode; sudoPassword?: string }) => void;
}) {
  return (
    <>
      <Field
        id={id}
        label="How the user becomes root"
        error={errorFor("sudo")}
        hint={
          mode === "ask"
            ? "Asked each time checks or a run start on this node; sent with that request only, never stored."
            : undefined
        }
      >
        {(props) => (
          <select
            {...props}
            value={mode}
            onChange={(event) => onChange({ sudoMode: event.target.value as SudoMode })}
            className={inputClass}
          >
            {SUDO_MODES.map((choice) => (
              <option key={choice.mode} value={choice.mode}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {mode === "stored" && (
        <TextField
          id={`${id}-password`}
          label="sudo password"
          type="password"
          value={password}
          placeholder={passwordStored ? "stored — leave empty to keep" : undefined}
          error={errorFor("sudo.password")}
          onChange={(sudoPassword) => onChange({ sudoPassword })}
        />
      )}
    </>
  );
}
