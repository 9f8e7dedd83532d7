"use client";

import { useState } from "react";
import { errorText, runChecks } from "@/lib/client/fleet-api";
import type { NodePublic } from "@/lib/inventory/types";

export interface RunNotice {
  /** "warn": it ran, and found something wrong (never shown as a success) */
  kind: "ok" | "warn" | "error";
  text: string;
}

/**
 * Starts check runs: asks for the sudo password of "ask" nodes first (the caller shows the
 * dialog for `asking`), then posts them with the run and forgets them.
 */
export function useCheckRun(nodes: NodePublic[], afterRun: () => Promise<void>) {
  const [running, setRunning] = useState<string | null>(null);
  const [asking, setAsking] = useState<{ target: string[] | "all"; nodes: NodePublic[] } | null>(
    null,
  );
  const [notice, setNotice] = useState<RunNotice | null>(null);

  const run = async (target: string[] | "all", sudoPasswords?: Record<string, string>) => {
    const count = target === "all" ? nodes.length : target.length;
    const what = `${count} node${count === 1 ? "" : "s"}`;
    setAsking(null);
    setNotice(null);
    setRunning(`Running checks on ${what}… Unreachable nodes wait for the SSH timeout.`);
    try {
      const results = await runChecks(target, sudoPasswords);
      await afterRun();
      const failing = new Set(
        results.filter((r) => r.status === "fail" && !r.override).map((r) => r.node),
      );
      setNotice({
        kind: failing.size > 0 ? "warn" : "ok",
        text:
          failing.size > 0
            ? `Checks finished on ${what}: ${failing.size} with failures (${[...failing].join(", ")}).`
            : `Checks finished on ${what}.`,
      });
    } catch (error) {
      setNotice({ kind: "error", text: `Checks could not run: ${errorText(error)}` });
    } finally {
      setRunning(null);
    }
  };

  const start = (target: string[] | "all") => {
    const targeted = target === "all" ? nodes : nodes.filter((n) => target.includes(n.name));
    const ask = targeted.filter((node) => node.sudo.mode === "ask");
    if (ask.length > 0) setAsking({ target, nodes: ask });
    else void run(target);
  };

  return {
    running,
    notice,
    setNotice,
    asking,
    start,
    cancelAsking: () => setAsking(null),
    runWithPasswords: (sudoPasswords: Record<string, string>) => {
      if (asking) void run(asking.target, sudoPasswords);
    },
  };
}
