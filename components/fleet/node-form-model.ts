/** The add/edit node form's state (pure); node-form-request.ts turns it into the API's body. */
import { formatLabelList } from "@/lib/inventory/label-list";
import type { NodePublic, NodeRole, SshAuthInput, SudoInput } from "@/lib/inventory/types";

export type AuthKind = SshAuthInput["kind"];
export type SudoMode = SudoInput["mode"];

/** One SSH login's fields; secrets start empty, even when editing. */
export interface AuthFields {
  kind: AuthKind;
  privateKey: string;
  passphrase: string;
  password: string;
}

export interface NodeForm {
  name: string;
  address: string;
  port: string;
  user: string;
  role: NodeRole;
  registryAddress: string;
  labels: string;
  /** a stored credential's name, or "" for the node's own login and sudo */
  credential: string;
  auth: AuthFields;
  sudoMode: SudoMode;
  sudoPassword: string;
  bastion: boolean;
  bastionAddress: string;
  bastionPort: string;
  bastionUser: string;
  bastionAuth: AuthFields;
  expectedFingerprint: string;
}

const noSecrets = (kind: AuthKind): AuthFields => ({
  kind,
  privateKey: "",
  passphrase: "",
  password: "",
});

export function emptyForm(): NodeForm {
  return {
    name: "",
    address: "",
    port: "22",
    user: "root",
    role: "controller+worker",
    registryAddress: "",
    labels: "",
    credential: "",
    auth: noSecrets("key"),
    sudoMode: "none",
    sudoPassword: "",
    bastion: false,
    bastionAddress: "",
    bastionPort: "22",
    bastionUser: "root",
    bastionAuth: noSecrets("key"),
    expectedFingerprint: "",
  };
}

export function formOf(node: NodePublic): NodeForm {
  return {
    ...emptyForm(),
    name: node.name,
    address: node.address,
    port: String(node.port),
    user: node.user,
    role: node.role,
    registryAddress: node.registryAddress ?? "",
    labels: formatLabelList(node.labels),
    credential: node.credential ?? "",
    auth: noSecrets(node.auth.kind),
    sudoMode: node.sudo.mode,
    bastion: node.bastion !== null,
    bastionAddress: node.bastion?.address ?? "",
    bastionPort: String(node.bastion?.port ?? 22),
    bastionUser: node.bastion?.user ?? "root",
    bastionAuth: noSecrets(node.bastion?.auth.kind ?? "key"),
    expectedFingerprint: node.expectedFingerprint ?? "",
  };
}
