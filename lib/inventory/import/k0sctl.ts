/** k0sctl.yaml (k0sctl.k0sproject.io/v1beta1, kind Cluster): spec.hosts[] → nodes. */
import { nameFromAddress, portFrom } from "../fields";
import { readConsoleComment } from "./console-comment";
import { finishRows } from "./rows";
import type { DraftRow, ImportPreview } from "./types";
import { lineOf, readYamlSource, scalarText, seqItems, yamlValue } from "./yaml-source";

type Json = Record<string, unknown>;
const CONNECTION_KEYS = new Set(["role", "ssh", "openSSH", "hostname", "localhost", "winrm"]);

export function parseK0sctl(text: string): ImportPreview {
  const preview: ImportPreview = { format: "k0sctl", rows: [], notes: [] };
  const source = readYamlSource(text);
  if (source.error) {
    preview.rows = [
      { line: source.error.line, node: null, errors: [source.error.message], notes: [] },
    ];
    return preview;
  }
  const doc = source.docs.find(
    (candidate) => (yamlValue(candidate) as Json | null)?.kind === "Cluster",
  );
  const hostsNode = doc?.getIn(["spec", "hosts"], true);
  const hostItems = seqItems(hostsNode);
  if (!doc || !hostItems) {
    const line = doc ? lineOf(source, doc.contents) : 1;
    preview.rows = [
      { line, node: null, errors: ["no spec.hosts list in a kind: Cluster document"], notes: [] },
    ];
    return preview;
  }
  const cluster = yamlValue(doc) as { apiVersion?: unknown; spec: { hosts?: unknown[] } };
  const apiVersion = cluster.apiVersion;
  if (typeof apiVersion !== "string" || !apiVersion.startsWith("k0sctl.k0sproject.io/")) {
    preview.notes.push(
      `apiVersion ${String(apiVersion)} is not k0sctl.k0sproject.io/v1beta1; read anyway`,
    );
  }
  const hosts = cluster.spec.hosts ?? [];
  const lines = text.split(/\r?\n/);
  preview.rows = finishRows(
    hostItems.map((item, index) => {
      const line = lineOf(source, item);
      return draftFromHost(line, hosts[index], readConsoleComment(lines, line));
    }),
  );
  return preview;
}

function draftFromHost(line: number, value: unknown, extra: Json): DraftRow {
  const host = (value && typeof value === "object" ? value : {}) as Json;
  const errors: string[] = [];
  const notes: string[] = [];
  if ((host.localhost as Json | undefined)?.enabled) {
    return {
      line,
      node: null,
      errors: ["k0sctl localhost hosts cannot be managed over SSH"],
      notes,
    };
  }
  if (host.winrm) return { line, node: null, errors: ["WinRM hosts are not supported"], notes };
  const ssh = (host.ssh ?? host.openSSH) as Json | undefined;
  if (!ssh || typeof ssh !== "object") {
    return { line, node: null, errors: ["the host has no ssh or openSSH address"], notes };
  }
  if (host.openSSH) {
    notes.push(
      "openSSH: the console uses its own SSH client; ssh config files and options are not used",
    );
  }
  const address = scalarText(ssh.address) ?? "";
  const hostname = scalarText(host.hostname);
  const name = hostname || nameFromAddress(address);
  const keyPath = scalarText(ssh.keyPath);
  notes.push(
    keyPath
      ? `keyPath ${keyPath}: upload the key`
      : "no keyPath: upload a key or choose the SSH agent",
  );
  const node: Json = {
    name,
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
    notes.push(
      bastionKey
        ? `bastion keyPath ${bastionKey}: upload the bastion key`
        : "bastion: upload its key",
    );
  }
  const ignored = Object.keys(host).filter((key) => !CONNECTION_KEYS.has(key));
  if (ignored.length > 0) notes.push(`not imported: ${ignored.join(", ")}`);
  return { line, node, errors, notes };
}
