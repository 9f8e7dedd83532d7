/** One Ansible host's merged vars → a draft node. */
import { isNodeName, nameFromAddress, portFrom } from "../fields";
import { parseLabelList } from "../label-list";
import type { AnsibleVars } from "./ansible-model";
import type { GroupRole } from "./ansible-roles";
import { hasProxyCommand, parseJumpHost, proxyJumpInArgs } from "./jump-host";
import type { DraftRow, KeyFileRef } from "./types";

/** The vars whose values are secrets: never repeated in a message. */
export const SECRET_VARS = new Set([
  "ansible_password",
  "ansible_ssh_pass",
  "ansible_become_password",
  "ansible_become_pass",
  "ansible_sudo_pass",
  "ansible_ssh_private_key_passphrase",
]);

const NOT_SSH: Record<string, string> = {
  local: "ansible_connection=local hosts cannot be managed over SSH",
  winrm: "WinRM hosts are not supported",
  psrp: "PowerShell remoting hosts are not supported",
};

export function draftFromVars(
  line: number,
  host: string,
  vars: AnsibleVars,
  groupRole: GroupRole,
): DraftRow {
  const errors: string[] = [];
  const notes: string[] = [];
  const text = (...names: string[]) => firstText(vars, names, errors);
  const connection = text("ansible_connection");
  const refusal = connection === undefined ? undefined : NOT_SSH[connection];
  if (refusal) return { line, node: null, errors: [refusal], notes };

  const address = text("ansible_host", "ansible_ssh_host") ?? host;
  const name = isNodeName(host) ? host : nameFromAddress(host);
  if (name !== host) notes.push(`"${host}" is not a node name: using "${name}"`);
  const user = text("ansible_user", "ansible_ssh_user", "remote_user");
  const role = text("k0s_role") ?? (groupRole && "role" in groupRole ? groupRole.role : undefined);
  if (!role) {
    errors.push(
      groupRole && "error" in groupRole
        ? `role: ${groupRole.error}`
        : "role: no controller or worker group and no k0s_role",
    );
  }

  // a vaulted or templated secret is left out (with a note), not an error: it can be set by hand
  const secret = (...names: string[]) => {
    const found: string[] = [];
    const value = firstText(vars, names, found);
    if (found.length > 0) notes.push(`${names[0]} is a template or vaulted: set it by hand`);
    return value;
  };
  const password = secret("ansible_password", "ansible_ssh_pass");
  const keyFile = text("ansible_ssh_private_key_file", "ansible_private_key_file");
  const keyFiles: KeyFileRef[] = [];
  if (password) notes.push("the SSH password is imported and stored encrypted");
  else if (keyFile)
    keyFiles.push({ label: "ansible_ssh_private_key_file", path: keyFile, for: "auth" });
  else notes.push("no key file: upload a key, choose the SSH agent or a credential");

  const becomePassword = secret(
    "ansible_become_password",
    "ansible_become_pass",
    "ansible_sudo_pass",
  );
  const becomeMethod = text("ansible_become_method");
  if (becomeMethod && becomeMethod !== "sudo")
    notes.push(`become method ${becomeMethod}: the console uses sudo`);

  const node: Record<string, unknown> = {
    name,
    address,
    port: portFrom(text("ansible_port", "ansible_ssh_port"), errors),
    user,
    role,
    registryAddress: text("k0s_registry_address"),
    labels: labelsFrom(vars.k0s_labels, errors),
    auth: password ? { kind: "password", password } : null,
    sudo: becomePassword ? { mode: "stored", password: becomePassword } : undefined,
  };
  const sshArgs = [text("ansible_ssh_common_args"), text("ansible_ssh_extra_args")]
    .filter(Boolean)
    .join(" ");
  const jump = proxyJumpInArgs(sshArgs);
  if (jump) {
    const parsed = parseJumpHost(jump);
    if ("error" in parsed) errors.push(`bastion: ${parsed.error}`);
    else
      node.bastion = {
        address: parsed.address,
        port: parsed.port,
        user: parsed.user ?? user ?? "root",
      };
    notes.push("bastion: upload its key");
  } else if (hasProxyCommand(sshArgs)) {
    notes.push("ProxyCommand is not supported: set the bastion by hand");
  }
  return { line, node, errors, notes, keyFiles };
}

/** The first var that is set, as text; Jinja templates cannot be evaluated here. */
function firstText(vars: AnsibleVars, names: string[], errors: string[]): string | undefined {
  for (const name of names) {
    const value = vars[name];
    if (value === undefined || value === null) continue;
    // a vaulted value reads as an object (YAML !vault tag) or a $ANSIBLE_VAULT text
    const text = typeof value === "object" ? JSON.stringify(value) : String(value).trim();
    if (text.includes("{{") || text.includes("$ANSIBLE_VAULT")) {
      errors.push(`${name} is a Jinja template or vaulted, which the console cannot read`);
      return undefined;
    }
    return text;
  }
  return undefined;
}

function labelsFrom(value: unknown, errors: string[]): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, label]) => [key, String(label)]));
  }
  return parseLabelList(String(value), errors);
}
