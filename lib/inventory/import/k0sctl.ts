/**
 * k0sctl.yaml → nodes: what k0sctl itself accepts (apiVersion k0sctl.k0sproject.io/v1beta1, kind
 * "Cluster" or "cluster", as its own examples write it), spec.hosts[] with an ssh connection.
 */
import { nameFromAddress, portFrom } from "../fields";
import { readConsoleComment } from "./console-comment";
import { finishRows } from "./rows";
import type { DraftRow, ImportPreview, KeyFileRef } from "./types";
import { lineOf, readYamlSource, scalarText, seqItems, yamlValue } from "./yaml-source";

type Json = Record<string, unknown>;
const K0SCTL_API_VERSION = "k0sctl.k0sproject.io/v1beta1";
/** k0sctl's own check: validation.In("cluster", "Cluster") */
const K0SCTL_KINDS: readonly unknown[] = ["cluster", "Cluster"];
const CONNECTION_KEYS = new Set(["role", "ssh", "openSSH", "hostname", "localhost", "winrm"]);

const LOCALHOST_HOST =
  "localhost: k0sctl runs this host's commands on the machine k0sctl runs on; the console reaches every node over SSH: write an ssh: block with the node's address instead";
const WINRM_HOST = "winrm: Windows hosts are not supported (k0s nodes are Linux)";

export function parseK0sctl(text: string): ImportPreview {
  const preview: ImportPreview = { format: "k0sctl", rows: [], notes: [] };
  const source = readYamlSource(text);
  if (source.error) {
    preview.rows = [
      { line: source.error.line, node: null, errors: [source.error.message], notes: [] },
    ];
    return preview;
  }
  const values = source.docs.map((doc) => yamlValue(doc) as Json | null);
  const index = values.findIndex((value) => K0SCTL_KINDS.includes(value?.kind));
  const doc = source.docs[index];
  const hostItems = seqItems(doc?.getIn(["spec", "hosts"], true));
  if (!doc || !hostItems) {
    const line = doc ? lineOf(source, doc.contents) : 1;
    preview.rows = [{ line, node: null, errors: [missingHosts(values, index)], notes: [] }];
    return preview;
  }
  const cluster = values[index] as { apiVersion?: unknown; spec: { hosts?: unknown[] } };
  if (cluster.apiVersion !== K0SCTL_API_VERSION) {
    preview.notes.push(
      `apiVersion ${String(cluster.apiVersion)} is not ${K0SCTL_API_VERSION}; read anyway`,
    );
  }
  const hosts = cluster.spec.hosts ?? [];
  const lines = text.split(/\r?\n/);
  preview.rows = finishRows(
    hostItems.map((item, at) => {
      const line = lineOf(source, item);
      return draftFromHost(line, hosts[at], readConsoleComment(lines, line));
    }),
  );
  return preview;
}

function missingHosts(values: (Json | null)[], clusterIndex: number): string {
  if (clusterIndex >= 0) return "no spec.hosts list in the kind: Cluster document";
  const kinds = values
    .filter((value) => String(value?.apiVersion ?? "").startsWith("k0sctl.k0sproject.io/"))
    .map((value) => String(value?.kind ?? "(none)"));
  return kinds.length > 0
    ? `kind: must be Cluster (k0sctl accepts "Cluster" or "cluster"), found ${kinds.join(", ")}`
    : "no kind: Cluster document";
}

function draftFromHost(line: number, value: unknown, extra: Json): DraftRow {
  const host = (value && typeof value === "object" ? value : {}) as Json;
  const errors: string[] = [];
  const notes: string[] = [];
  if ((host.localhost as Json | undefined)?.enabled) {
    return { line, node: null, errors: [LOCALHOST_HOST], notes };
  }
  if (host.winrm) return { line, node: null, errors: [WINRM_HOST], notes };
  const ssh = (host.ssh ?? host.openSSH) as Json | undefined;
  if (!ssh || typeof ssh !== "object") {
    return { line, node: null, errors: ["the host has no ssh or openSSH address"], notes };
  }
  if (!host.ssh) {
    notes.push(
      "openSSH: read as ssh; the console connects with its own SSH client, so ~/.ssh/config (Host aliases, ProxyJump, options) is not used",
    );
  }
  const address = scalarText(ssh.address) ?? "";
  const hostname = scalarText(host.hostname);
  const keyFiles: KeyFileRef[] = [];
  const keyPath = scalarText(ssh.keyPath);
  if (keyPath) keyFiles.push({ label: "keyPath", path: keyPath, for: "auth" });
  else notes.push("no keyPath: upload a key, choose the SSH agent or a credential");
  const node: Json = {
    name: hostname || nameFromAddress(address),
    address,
    port: portFrom(ssh.port, errors),
    user: scalarText(ssh.user),
    role: host.role,
    registryAddress: extra.registryAddress,
    labels: extra.labels,
    auth: null,
  };
  const bastion = ssh.bastion as Json | undefined;
  if (bastion && typeof bastion === "object") {
    node.bastion = {
      address: scalarText(bastion.address) ?? "",
      port: portFrom(bastion.port, errors, "bastion.port"),
      user: scalarText(bastion.user) ?? "root",
    };
    const bastionKey = scalarText(bastion.keyPath);
    if (bastionKey) keyFiles.push({ label: "bastion keyPath", path: bastionKey, for: "bastion" });
    else notes.push("bastion: upload its key");
  }
  const ignored = Object.keys(host).filter((key) => !CONNECTION_KEYS.has(key));
  if (ignored.length > 0) notes.push(`not imported: ${ignored.join(", ")}`);
  return { line, node, errors, notes, keyFiles };
}
