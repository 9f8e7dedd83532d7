"use client";

import { useState } from "react";
import { Hint, inputClass, ScrollList } from "@/components/ui";
import { type BulkAnswer, type BulkRequest, bulkNodes } from "@/lib/client/fleet-api";
import { parseLabelList } from "@/lib/inventory/label-list";
import type { NodePublic } from "@/lib/inventory/types";
import { NODE_ROLES } from "@/lib/render/nodes";
import { ActionDialog } from "./action-dialog";
import type { HostKeyProblem } from "./check-model";

export type BulkKind = "trust" | "known-hosts" | "edit" | "remove";

/**
 * Sends one bulk request; the dialog closes when every node is done, and otherwise stays open
 * with each failure named (the fleet is reloaded either way).
 */
async function sendBulk(request: BulkRequest, onDone: () => Promise<void>): Promise<void> {
  let answer: BulkAnswer;
  try {
    answer = await bulkNodes(request);
  } finally {
    await onDone();
  }
  const failures = answer.results.filter((result) => result.outcome === "failed");
  if (failures.length > 0) {
    const shown = failures.slice(0, 5).map((result) => `${result.node}: ${result.message}`);
    throw new Error(
      `${answer.done} done, ${failures.length} failed — ${shown.join("; ")}${failures.length > 5 ? "; …" : ""}`,
    );
  }
}

export function BulkDialog({
  kind,
  nodes,
  problems,
  credentials,
  onDone,
  onClose,
}: {
  kind: BulkKind;
  nodes: NodePublic[];
  problems: Map<string, HostKeyProblem>;
  credentials: string[];
  onDone: () => Promise<void>;
  onClose: () => void;
}) {
  const names = nodes.map((node) => node.name);
  const props = { onClose, onDone };
  if (kind === "trust") return <TrustDialog nodes={nodes} problems={problems} {...props} />;
  if (kind === "known-hosts") return <KnownHostsDialog names={names} {...props} />;
  if (kind === "edit") return <EditDialog names={names} credentials={credentials} {...props} />;
  return (
    <ActionDialog
      title={`Remove ${names.length} node${names.length === 1 ? "" : "s"}?`}
      submitLabel={`Remove ${names.length}`}
      danger
      testId="bulk-remove"
      onClose={onClose}
      onSubmit={() => sendBulk({ action: "remove", nodes: names }, onDone)}
    >
      <p className="text-sm">
        They leave the inventory with their stored secrets, pinned host keys and check results.
        Nothing on the hosts changes.
      </p>
      <p className="max-h-32 overflow-y-auto break-words font-mono text-xs">{names.join(", ")}</p>
    </ActionDialog>
  );
}

interface DialogProps {
  onDone: () => Promise<void>;
  onClose: () => void;
}

/** The keys the selected nodes presented in their latest checks, to review and trust at once. */
function TrustDialog({
  nodes,
  problems,
  onDone,
  onClose,
}: DialogProps & { nodes: NodePublic[]; problems: Map<string, HostKeyProblem> }) {
  const keys = nodes.flatMap((node) => {
    const problem = problems.get(node.name);
    return problem?.kind === "unknown" && !problem.viaBastion
      ? [{ node: node.name, type: problem.type, fingerprint: problem.fingerprint }]
      : [];
  });
  const without = nodes.length - keys.length;
  return (
    <ActionDialog
      title="Trust presented host keys"
      submitLabel={`Trust ${keys.length} key${keys.length === 1 ? "" : "s"}`}
      testId="bulk-trust"
      onClose={onClose}
      onSubmit={async () => {
        if (keys.length === 0) throw new Error("no presented key to trust: run the checks first");
        await sendBulk({ action: "trust", keys }, onDone);
      }}
    >
      <p className="text-sm">
        Compare each fingerprint with the host's own (<code>ssh-keygen -lf</code> on it) before
        trusting.
        {without > 0 &&
          ` ${without} selected node${without === 1 ? " has" : "s have"} no new key to trust in the latest checks (already trusted, changed, or not checked).`}
      </p>
      {keys.length > 0 && (
        <ScrollList
          label="Presented host keys"
          className="max-h-64 divide-y divide-slate-200 text-xs dark:divide-slate-800"
        >
          {keys.map((key) => (
            <li key={key.node} className="py-1" data-testid={`trust-${key.node}`}>
              <span className="font-medium">{key.node}</span>{" "}
              <span className="break-all font-mono">
                {key.type} {key.fingerprint}
              </span>
            </li>
          ))}
        </ScrollList>
      )}
    </ActionDialog>
  );
}

function KnownHostsDialog({ names, onDone, onClose }: DialogProps & { names: string[] }) {
  const [text, setText] = useState("");
  return (
    <ActionDialog
      title={`Pin ${names.length} host key${names.length === 1 ? "" : "s"} from known_hosts`}
      submitLabel="Pin keys"
      testId="bulk-known-hosts"
      onClose={onClose}
      onSubmit={() =>
        sendBulk({ action: "pin-known-hosts", nodes: names, knownHosts: text }, onDone)
      }
    >
      <label htmlFor="known-hosts" className="block text-sm font-medium">
        known_hosts lines
      </label>
      <textarea
        id="known-hosts"
        rows={6}
        value={text}
        spellCheck={false}
        onChange={(event) => setText(event.target.value)}
        placeholder="10.0.0.1 ssh-ed25519 AAAA…"
        className={`${inputClass} font-mono text-xs`}
      />
      <Hint>
        Matched by address (and <code>[address]:port</code>); hashed lines work too. A node the file
        does not list is reported and left as it is.
      </Hint>
    </ActionDialog>
  );
}

const UNCHANGED = "";
const NONE = "\u0000none";

function EditDialog({
  names,
  credentials,
  onDone,
  onClose,
}: DialogProps & { names: string[]; credentials: string[] }) {
  const [role, setRole] = useState(UNCHANGED);
  const [labels, setLabels] = useState("");
  const [removeLabels, setRemoveLabels] = useState("");
  const [registry, setRegistry] = useState("");
  const [clearRegistry, setClearRegistry] = useState(false);
  const [credential, setCredential] = useState(UNCHANGED);
  const submit = async () => {
    const set: Extract<BulkRequest, { action: "edit" }>["set"] = {};
    if (role) set.role = role as NonNullable<typeof set.role>;
    const problems: string[] = [];
    if (labels.trim()) set.labels = parseLabelList(labels, problems);
    if (problems[0]) throw new Error(problems[0]);
    const removed = removeLabels.split(/[,;\s]+/).filter(Boolean);
    if (removed.length > 0) set.removeLabels = removed;
    if (clearRegistry) set.registryAddress = null;
    else if (registry.trim()) set.registryAddress = registry.trim();
    if (credential) set.credential = credential === NONE ? null : credential;
    if (Object.keys(set).length === 0) throw new Error("choose at least one field to change");
    await sendBulk({ action: "edit", nodes: names, set }, onDone);
  };
  return (
    <ActionDialog
      title={`Edit ${names.length} node${names.length === 1 ? "" : "s"}`}
      submitLabel="Apply to all"
      testId="bulk-edit"
      onClose={onClose}
      onSubmit={submit}
    >
      <Hint>Only the fields you fill change; the rest stays as each node has it.</Hint>
      <label className="block text-sm">
        Role
        <select value={role} onChange={(e) => setRole(e.target.value)} className={inputClass}>
          <option value={UNCHANGED}>unchanged</option>
          {NODE_ROLES.map((choice) => (
            <option key={choice} value={choice}>
              {choice}
            </option>
          ))}
        </select>
      </label>
      <label className="block text-sm">
        Labels to set (key=value, separated by ;)
        <input value={labels} onChange={(e) => setLabels(e.target.value)} className={inputClass} />
      </label>
      <label className="block text-sm">
        Label keys to remove
        <input
          value={removeLabels}
          onChange={(e) => setRemoveLabels(e.target.value)}
          className={inputClass}
        />
      </label>
      <label className="block text-sm">
        Registry address (host:port)
        <input
          value={registry}
          disabled={clearRegistry}
          placeholder="unchanged"
          onChange={(e) => setRegistry(e.target.value)}
          className={`${inputClass} font-mono`}
        />
      </label>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          checked={clearRegistry}
          onChange={(e) => setClearRegistry(e.target.checked)}
        />
        Use the fleet's registry address
      </label>
      <label className="block text-sm">
        Credential
        <select
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          className={inputClass}
        >
          <option value={UNCHANGED}>unchanged</option>
          <option value={NONE}>none: each node's own login</option>
          {credentials.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
    </ActionDialog>
  );
}
