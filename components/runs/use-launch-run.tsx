"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useCallback, useState } from "react";
import { SudoDialog } from "@/components/fleet/sudo-dialog";
import { listNodes } from "@/lib/client/fleet-api";
import { runPath } from "@/lib/client/runs-api";
import type { NodePublic } from "@/lib/inventory/types";

/** Starts a run with these sudo passwords (none when no node asks); resolves with its id. */
export type RunStarter = (sudoPasswords?: Record<string, string>) => Promise<string>;

interface Asking {
  nodes: NodePublic[];
  submitLabel: string;
  start: RunStarter;
}

/**
 * Starts a run and opens its page — first asking the sudo password of the nodes among `names`
 * whose password is asked at run time. `launch` rejects with the API's refusal (409 busy host…),
 * so the dialog that called it shows it.
 */
export function useLaunchRun(): {
  launch: (names: string[], submitLabel: string, start: RunStarter) => Promise<void>;
  sudoDialog: ReactNode;
} {
  const router = useRouter();
  const [asking, setAsking] = useState<Asking | null>(null);
  const launch = useCallback(
    async (names: string[], submitLabel: string, start: RunStarter) => {
      const wanted = new Set(names);
      const ask = (await listNodes()).filter(
        (node) => node.sudo.mode === "ask" && wanted.has(node.name),
      );
      if (ask.length > 0) return setAsking({ nodes: ask, submitLabel, start });
      router.push(runPath(await start()));
    },
    [router],
  );
  const sudoDialog = asking && (
    <SudoDialog
      nodes={asking.nodes}
      submitLabel={asking.submitLabel}
      emptyHint="Left empty: this node fails at its start and the others go on."
      onRun={async (passwords) => router.push(runPath(await asking.start(passwords)))}
      onClose={() => setAsking(null)}
    />
  );
  return { launch, sudoDialog };
}
