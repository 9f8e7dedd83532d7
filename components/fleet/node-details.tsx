"use client";

import type { ReactNode } from "react";
import { buttonClass } from "@/components/ui";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";
import { sshTarget } from "@/lib/ssh/target";
import { CheckItem } from "./check-item";
import { groupChecks, HOST_KEY_CHECK, type HostKeyProblem } from "./check-model";
import { shortFingerprint } from "./fleet-model";
import { HostKeyBox } from "./host-key-box";

const SUDO_TEXT = {
  none: "user is root",
  passwordless: "passwordless sudo",
  stored: "sudo, stored password",
  ask: "sudo, password asked at each run",
} as const;

/** A node's access summary, host key trust and latest check results, grouped. */
export function NodeDetails({
  node,
  results,
  problem,
  busy,
  onNodeChanged,
  onChecksChanged,
  onRunChecks,
}: {
  node: NodePublic;
  results: CheckResult[] | undefined;
  problem: HostKeyProblem | null;
  busy: boolean;
  onNodeChanged: (node: NodePublic) => void;
  onChecksChanged: () => Promise<void>;
  onRunChecks: () => void;
}) {
  return (
    <div className="space-y-3 px-2 py-3">
      <dl className="flex flex-wrap gap-x-6 gap-y-1 text-xs text-slate-600 dark:text-slate-400">
        <Fact term="Login">
          {node.auth.kind}
          {node.credential
            ? ` from credential ${node.credential}`
            : node.auth.kind !== "agent" && !node.auth.hasSecret && " (nothing stored yet)"}
        </Fact>
        <Fact term="Root">{SUDO_TEXT[node.sudo.mode]}</Fact>
        {node.bastion && (
          <Fact term="Bastion">
            {sshTarget(node.bastion.user, node.bastion.address, node.bastion.port)}
            {node.bastion.hostKey ? (
              <code className="ml-1" title={node.bastion.hostKey.fingerprint}>
                {shortFingerprint(node.bastion.hostKey.fingerprint)}
              </code>
            ) : (
              " (host key not trusted yet)"
            )}
          </Fact>
        )}
        <Fact term="Host key">
          {node.hostKey ? (
            <code>
              {node.hostKey.type} {node.hostKey.fingerprint}
            </code>
          ) : (
            "not trusted yet"
          )}
        </Fact>
        {node.expectedFingerprint && !node.hostKey && (
          <Fact term="Expected">
            <code>{node.expectedFingerprint}</code>
          </Fact>
        )}
      </dl>
      {problem && <HostKeyBox node={node} problem={problem} onTrusted={onNodeChanged} />}
      {trustedSince(node, results) && (
        <p className="text-sm text-slate-700 dark:text-slate-300">
          The host key was trusted after these results.{" "}
          <button type="button" className={buttonClass} disabled={busy} onClick={onRunChecks}>
            Run checks on {node.name} again
          </button>
        </p>
      )}
      {results === undefined && <p className="text-sm text-slate-500">Loading check results…</p>}
      {results?.length === 0 && (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Never checked.{" "}
          <button type="button" className={buttonClass} disabled={busy} onClick={onRunChecks}>
            Run checks on {node.name}
          </button>
        </p>
      )}
      {results &&
        groupChecks(results).map((group) => (
          <section key={group.title} aria-label={`${node.name}: ${group.title}`}>
            <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-500 dark:text-slate-400">
              {group.title}
            </h3>
            <ul className="divide-y divide-slate-200 rounded-md border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900">
              {group.results.map((result) => (
                <CheckItem key={result.check} result={result} onChanged={onChecksChanged} />
              ))}
            </ul>
          </section>
        ))}
    </div>
  );
}

/** A host key (the node's or its bastion's) was pinned after the failed host-key check: stale. */
function trustedSince(node: NodePublic, results: CheckResult[] | undefined): boolean {
  const hostKey = results?.find((result) => result.check === HOST_KEY_CHECK);
  if (!hostKey || hostKey.status === "pass") return false;
  return [node.hostKey, node.bastion?.hostKey].some((pin) => pin && hostKey.at < pin.trustedAt);
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="flex gap-1">
      <dt className="font-medium text-slate-700 dark:text-slate-300">{term}:</dt>
      <dd>{children}</dd>
    </div>
  );
}
