/**
 * Two runs that change nodes (apply, rollback, reset) never work on one host at once: their
 * writes, installs and resets would interleave. A host is its address and port (through its
 * bastion) and its host key, so two names for one machine are one host. Plans only read, and may
 * overlap anything. Pure.
 */
import { nodeHostMarks } from "@/lib/inventory/same-host";
import type { NodePublic } from "@/lib/inventory/types";
import { RunBusyError, RunInputError } from "./errors";
import type { RunAction } from "./types";

/** A node a run holds, and the marks of its host. */
export interface HeldHost {
  node: string;
  marks: string[];
}

export interface LockingRun {
  action: RunAction;
  hosts: HeldHost[];
}

export function heldHosts(nodes: NodePublic[]): HeldHost[] {
  return nodes.map((node) => ({ node: node.name, marks: nodeHostMarks(node) }));
}

/** Refuses a changing run whose hosts a running changing run holds, naming node, host and run. */
export function checkHostsFree(
  action: RunAction,
  hosts: HeldHost[],
  active: Iterable<[string, LockingRun]>,
): void {
  if (action === "plan") return;
  checkOneNodePerHost(hosts);
  for (const [id, run] of active) {
    if (run.action === "plan") continue;
    const clashes = hosts.flatMap((host) => {
      const held = run.hosts.find(
        (other) => other.node === host.node || other.marks.some((m) => host.marks.includes(m)),
      );
      if (!held) return [];
      const mark = held.marks.find((m) => host.marks.includes(m)) ?? held.marks[0];
      const as = held.node === host.node ? "" : ` as ${held.node}, the same host`;
      return [`${host.node} is being changed by run ${id} (${run.action})${as} (${mark})`];
    });
    if (clashes.length > 0)
      throw new RunBusyError(`${clashes.join("; ")}: wait for it to finish, or cancel it`);
  }
}

/** One run changes a host once: two names for it in one run would race each other. */
function checkOneNodePerHost(hosts: HeldHost[]): void {
  for (const [index, host] of hosts.entries()) {
    const twin = hosts
      .slice(index + 1)
      .find((other) => other.marks.some((m) => host.marks.includes(m)));
    const mark = twin?.marks.find((m) => host.marks.includes(m));
    if (twin)
      throw new RunInputError(
        `nodes: ${host.node} and ${twin.node} are one host (${mark}): a run changes a host once, so name only one of them (and remove the other from the fleet)`,
      );
  }
}
