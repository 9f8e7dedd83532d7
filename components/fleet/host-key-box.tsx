"use client";

import { useState } from "react";
import { primaryButtonClass } from "@/components/ui";
import { errorText, trustHostKey } from "@/lib/client/fleet-api";
import type { NodePublic } from "@/lib/inventory/types";
import { ActionDialog } from "./action-dialog";
import type { HostKeyProblem } from "./check-model";
import { dangerButtonClass } from "./styles";

function hostKeyFile(type: string): string {
  if (type.startsWith("ecdsa")) return "/etc/ssh/ssh_host_ecdsa_key.pub";
  if (type.includes("rsa")) return "/etc/ssh/ssh_host_rsa_key.pub";
  return "/etc/ssh/ssh_host_ed25519_key.pub";
}

/** Trust on first use, with the fingerprint to compare first; a changed key is shown as a red alarm. */
export function HostKeyBox({
  node,
  problem,
  onTrusted,
}: {
  node: NodePublic;
  problem: HostKeyProblem;
  onTrusted: (node: NodePublic) => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const key = `${problem.type} ${problem.fingerprint}`.trim();
  const compare = (
    <>
      compare it with {problem.viaBastion ? "the bastion's" : "the host's"} own{" "}
      <code>ssh-keygen -lf {hostKeyFile(problem.type)}</code> (on its console, not over this
      network) before trusting.
    </>
  );

  const trust = async () => {
    setBusy(true);
    setError(null);
    try {
      onTrusted(await trustHostKey(node.name, problem.fingerprint));
    } catch (caught) {
      setError(errorText(caught));
      setBusy(false);
    }
  };

  if (problem.kind === "unknown") {
    return (
      <div
        data-testid="host-key-unknown"
        className="rounded-md border border-amber-400 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950/40 dark:text-amber-100"
      >
        <p className="font-medium">
          Host key not trusted yet: nothing but the SSH handshake has happened.
        </p>
        <p className="mt-1">
          {problem.viaBastion ? `The bastion ${node.bastion?.address}` : "This host"} presents{" "}
          <code className="break-all font-semibold">{key}</code> — {compare}
        </p>
        <button
          type="button"
          data-testid="trust-host-key"
          disabled={busy}
          onClick={trust}
          className={`${primaryButtonClass} mt-2`}
        >
          {busy ? "Trusting…" : "Trust this key"}
        </button>
        {error && (
          <p role="alert" className="mt-1 text-red-700 dark:text-red-400">
            {error}
          </p>
        )}
      </div>
    );
  }

  const was = problem.kind === "changed" ? "pinned" : "expected";
  return (
    <div
      role="alert"
      data-testid="host-key-changed"
      className="rounded-md border-2 border-red-600 bg-red-50 p-3 text-sm text-red-950 dark:bg-red-950/50 dark:text-red-100"
    >
      <p className="font-semibold">
        <span aria-hidden>✕ </span>
        {problem.viaBastion ? `The bastion's (${node.bastion?.address}) host key` : "The host key"}{" "}
        {problem.kind === "changed" ? "changed" : "is not the expected one"}: nothing was sent to{" "}
        {node.name}.
      </p>
      <p className="mt-1">
        {was}: <code className="break-all">{problem.previous ?? "unknown"}</code>
        <br />
        now presenting: <code className="break-all font-semibold">{key}</code>
      </p>
      <p className="mt-1">
        Trust the new key only if the host was reinstalled or its keys regenerated; {compare}
      </p>
      <button
        type="button"
        data-testid="trust-host-key"
        onClick={() => setConfirming(true)}
        className={`${dangerButtonClass} mt-2`}
      >
        Trust the new key…
      </button>
      {confirming && (
        <ActionDialog
          title={`Trust a new host key for ${node.name}?`}
          submitLabel="Trust the new key"
          danger
          onClose={() => setConfirming(false)}
          onSubmit={async () => onTrusted(await trustHostKey(node.name, problem.fingerprint))}
        >
          <p className="text-sm">
            {problem.viaBastion ? `The bastion of ${node.name}` : node.name} will be trusted as{" "}
            <code className="break-all">{key}</code>, replacing{" "}
            <code className="break-all">{problem.previous ?? "the previous key"}</code>. If nobody
            reinstalled this host, someone may be intercepting the connection.
          </p>
        </ActionDialog>
      )}
    </div>
  );
}
