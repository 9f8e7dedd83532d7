"use client";

import { inputClass } from "@/components/ui";
import { Field } from "./form-field";

/** Which login a node uses: its own, or a stored credential (shown only when there are some). */
export function CredentialChoice({
  names,
  value,
  error,
  onChange,
}: {
  names: string[];
  value: string;
  error: string | null;
  onChange: (value: string) => void;
}) {
  // the node's current credential stays listed while the list loads
  const choices = value && !names.includes(value) ? [value, ...names] : names;
  if (choices.length === 0) return null;
  return (
    <div className="mb-3">
      <Field
        id="node-credential"
        label="Credential"
        error={error}
        hint="A credential brings the login and the sudo mode; rotating it changes every node using it."
      >
        {(props) => (
          <select
            {...props}
            value={value}
            onChange={(event) => onChange(event.target.value)}
            className={inputClass}
          >
            <option value="">None: this node's own login and sudo</option>
            {choices.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
    </div>
  );
}
