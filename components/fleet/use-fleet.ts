"use client";

import { useCallback, useEffect, useState } from "react";
import type { Readiness } from "@/lib/checks/readiness";
import {
  allLatestChecks,
  errorText,
  fleetReadiness,
  latestChecks,
  listNodes,
} from "@/lib/client/fleet-api";
import type { CheckResult, NodePublic } from "@/lib/inventory/types";

export type ChecksByNode = Record<string, CheckResult[]>;

/** At most this many check requests at once when loading the whole fleet. */
const PARALLEL = 6;

/** The fleet as the server has it: nodes and each node's latest check results. */
export function useFleet() {
  const [nodes, setNodes] = useState<NodePublic[] | null>(null);
  const [checks, setChecks] = useState<ChecksByNode>({});
  const [loadError, setLoadError] = useState<string | null>(null);

  const refreshChecks = useCallback(async (names: string[]) => {
    const queue = [...names];
    const fetched: ChecksByNode = {};
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        // a node never checked (or removed meanwhile) simply has no results
        fetched[name] = await latestChecks(name).catch(() => []);
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, names.length) }, worker));
    setChecks((current) => ({ ...current, ...fetched }));
  }, []);

  const reload = useCallback(async () => {
    try {
      const list = await listNodes();
      setNodes(list);
      setLoadError(null);
      const names = list.map((node) => node.name);
      const all = await allLatestChecks().catch(() => null);
      if (!all) return await refreshChecks(names);
      const fetched: ChecksByNode = Object.fromEntries(names.map((name) => [name, []]));
      for (const result of all) fetched[result.node]?.push(result);
      setChecks(fetched);
    } catch (error) {
      setLoadError(errorText(error));
    }
  }, [refreshChecks]);

  useEffect(() => {
    void reload();
  }, [reload]);

  // readiness is what the checks and the inventory say together: re-read when either changes
  const [readiness, setReadiness] = useState<Map<string, Readiness>>(new Map());
  // biome-ignore lint/correctness/useExhaustiveDependencies: new check results change readiness
  useEffect(() => {
    if (nodes === null) return;
    let current = true;
    fleetReadiness()
      .then((list) => current && setReadiness(new Map(list.map((item) => [item.node, item]))))
      .catch(() => undefined); // the badges keep their last state
    return () => {
      current = false;
    };
  }, [nodes, checks]);

  const upsert = useCallback((node: NodePublic, replacing = node.name) => {
    setNodes((current) => {
      const list = current ?? [];
      return list.some((item) => item.name === replacing)
        ? list.map((item) => (item.name === replacing ? node : item))
        : [...list, node];
    });
  }, []);

  const forget = useCallback((name: string) => {
    setNodes((current) => current?.filter((node) => node.name !== name) ?? null);
    setChecks(({ [name]: _removed, ...rest }) => rest);
  }, []);

  return { nodes, checks, readiness, loadError, reload, refreshChecks, upsert, forget };
}
