import { inputClass } from "@/components/ui";
import type { NodeRole } from "@/lib/inventory/types";
import { Field, TextField } from "./form-field";
import type { NodeForm } from "./node-form-model";

const ROLES: NodeRole[] = ["controller", "controller+worker", "worker", "single"];

/** Name, address, port, user, role, registry address and labels of the node form. */
export function BasicFields({
  form,
  editing,
  errorFor,
  update,
}: {
  form: NodeForm;
  editing: boolean;
  errorFor: (field: string) => string | null;
  update: (patch: Partial<NodeForm>) => void;
}) {
  return (
    <>
      <TextField
        id="node-name"
        label="Name"
        mono
        value={form.name}
        error={errorFor("name")}
        onChange={(name) => update({ name })}
      />
      <TextField
        id="node-address"
        label="Address (hostname or IP)"
        mono
        value={form.address}
        hint={editing ? "A new address or port forgets the trusted host key." : undefined}
        error={errorFor("address")}
        onChange={(address) => update({ address })}
      />
      <TextField
        id="node-port"
        label="SSH port"
        mono
        value={form.port}
        error={errorFor("port")}
        onChange={(port) => update({ port })}
      />
      <TextField
        id="node-user"
        label="SSH user"
        mono
        value={form.user}
        error={errorFor("user")}
        onChange={(user) => update({ user })}
      />
      <Field id="node-role" label="Role" error={errorFor("role")}>
        {(props) => (
          <select
            {...props}
            value={form.role}
            onChange={(event) => update({ role: event.target.value as NodeRole })}
            className={inputClass}
          >
            {ROLES.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField
        id="node-registry"
        label="Registry address (host:port)"
        mono
        placeholder="fleet default"
        value={form.registryAddress}
        error={errorFor("registryAddress")}
        onChange={(registryAddress) => update({ registryAddress })}
      />
      <TextField
        id="node-labels"
        label="Labels (key=value, separated by ;)"
        className="sm:col-span-2"
        mono
        placeholder="rack=a1, zone=east"
        value={form.labels}
        error={errorFor("labels")}
        onChange={(labels) => update({ labels })}
      />
    </>
  );
}
