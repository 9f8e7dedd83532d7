"use client";

import { useEffect, useMemo, useState } from "react";
import { Section } from "@/components/ui";
import type { NodePublic } from "@/lib/inventory/types";
import { BulkBar } from "./bulk-bar";
import { BulkDialog, type BulkKind } from "./bulk-dialogs";
import { hostKeyProblem } from "./check-model";
import { CredentialsPanel, useCredentials } from "./credentials-panel";
import { type FleetDialog, FleetDialogs } from "./fleet-dialogs";
import { type Facets, FleetFacets, matchesFacets, NO_FACETS } from "./fleet-facets";
import { matchesFilter, type Sort, sortNodes } from "./fleet-model";
import { FleetStatus } from "./fleet-status";
import { FleetTable } from "./fleet-table";
import { FleetToolbar } from "./fleet-toolbar";
import { ImportPanel } from "./import-panel";
import { NodeDetails } from "./node-details";
import type { RowActions } from "./node-row";
import { useCheckRun } from "./use-check-run";
import { useFleet } from "./use-fleet";

/** `set` with `names` added (or removed): one copy, however many names (select all: 1,000). */
function withNames(set: Set<string>, names: string[], on: boolean): Set<string> {
  const next = new Set(set);
  for (const name of names) {
    if (on) next.add(name);
    else next.delete(name);
  }
  return next;
}

/** The fleet page: inventory table, node details and checks, import. */
export function FleetApp() {
  const fleet = useFleet();
  const nodes = fleet.nodes ?? [];
  const [filter, setFilter] = useState("");
  const [facets, setFacets] = useState<Facets>(NO_FACETS);
  const [sort, setSort] = useState<Sort>({ key: "name", direction: "ascending" });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [dialog, setDialog] = useState<FleetDialog | null>(null);
  const [bulk, setBulk] = useState<BulkKind | null>(null);
  const checkRun = useCheckRun(nodes, fleet.reload);
  const credentials = useCredentials();
  const reloadCredentials = credentials.reload;
  // which nodes use a credential changes with the nodes (import, edit, remove): count again
  useEffect(() => {
    if (fleet.nodes) void reloadCredentials();
  }, [fleet.nodes, reloadCredentials]);
  const credentialNames = (credentials.credentials ?? []).map((credential) => credential.name);

  const shown = useMemo(
    () =>
      sortNodes(
        nodes.filter(
          (node) => matchesFacets(node, facets, fleet.readiness) && matchesFilter(node, filter),
        ),
        sort,
        fleet.checks,
      ),
    [nodes, filter, facets, sort, fleet.checks, fleet.readiness],
  );
  const problems = useMemo(() => {
    const found = new Map<string, NonNullable<ReturnType<typeof hostKeyProblem>>>();
    for (const node of nodes) {
      const problem = hostKeyProblem(node, fleet.checks[node.name] ?? []);
      if (problem) found.set(node.name, problem);
    }
    return found;
  }, [nodes, fleet.checks]);
  const selectedNames = useMemo(
    () => nodes.map((node) => node.name).filter((name) => selected.has(name)),
    [nodes, selected],
  );
  const shownSelected = useMemo(
    () => shown.reduce((count, node) => count + (selected.has(node.name) ? 1 : 0), 0),
    [shown, selected],
  );

  // the same object every render, so unchanged rows (memo) are not rendered again
  const rowActions = useMemo<RowActions>(
    () => ({
      onSelect: (name, on) => setSelected((set) => withNames(set, [name], on)),
      onToggle: (name) => setExpanded((set) => withNames(set, [name], !set.has(name))),
      onEdit: (node) => setDialog({ kind: "edit", node }),
      onDuplicate: (node) => setDialog({ kind: "duplicate", node }),
      onRemove: (node) => setDialog({ kind: "remove", node }),
    }),
    [],
  );
  const onTrusted = (node: NodePublic) => {
    fleet.upsert(node);
    checkRun.setNotice({
      kind: "ok",
      text: `Host key of ${node.name} trusted. Run the checks again: the other checks need the SSH login to work.`,
    });
  };

  const details = (node: NodePublic) => (
    <NodeDetails
      node={node}
      results={fleet.checks[node.name]}
      problem={problems.get(node.name) ?? null}
      busy={checkRun.running !== null}
      onNodeChanged={onTrusted}
      onChecksChanged={() => fleet.refreshChecks([node.name])}
      onRunChecks={() => checkRun.start([node.name])}
    />
  );

  return (
    <div className="space-y-6">
      <Section id="fleet" step={1} title="Fleet">
        {/* the toolbar, facets and bulk actions stay in view while a long table scrolls (not on a phone: they would fill it) */}
        <div className="-mx-4 bg-white px-4 pt-2 sm:sticky sm:top-0 sm:z-10 dark:bg-slate-900">
          <FleetToolbar
            filter={filter}
            onFilter={setFilter}
            total={nodes.length}
            shown={shown.length}
            selectedCount={selectedNames.length}
            running={checkRun.running !== null}
            onAdd={() => setDialog({ kind: "add" })}
            onRunSelected={() => checkRun.start(selectedNames)}
            onRunAll={() => checkRun.start("all")}
          />
          {nodes.length > 0 && (
            <FleetFacets
              nodes={nodes}
              readiness={fleet.readiness}
              facets={facets}
              onChange={setFacets}
            />
          )}
          <BulkBar
            selected={selectedNames.length}
            matching={shown.length}
            onSelectMatching={() => setSelected(new Set(shown.map((node) => node.name)))}
            onClear={() => setSelected(new Set())}
            onOpen={setBulk}
          />
        </div>
        <FleetStatus
          running={checkRun.running}
          notice={checkRun.notice}
          loadError={fleet.loadError}
          loaded={fleet.nodes !== null}
          total={nodes.length}
          shown={shown.length}
          filter={filter}
        />
        {shown.length > 0 && (
          <FleetTable
            nodes={shown}
            checks={fleet.checks}
            readiness={fleet.readiness}
            problems={problems}
            selected={selected}
            selectedCount={shownSelected}
            expanded={expanded}
            sort={sort}
            onSort={setSort}
            onSelectAll={(on) =>
              setSelected((set) =>
                withNames(
                  set,
                  shown.map((node) => node.name),
                  on,
                ),
              )
            }
            actions={rowActions}
            details={details}
          />
        )}
      </Section>
      <ImportPanel onImported={fleet.reload} credentials={credentialNames} />
      <CredentialsPanel
        credentials={credentials.credentials}
        error={credentials.error}
        onChanged={fleet.reload}
      />
      {bulk && (
        <BulkDialog
          kind={bulk}
          nodes={nodes.filter((node) => selected.has(node.name))}
          problems={problems}
          credentials={credentialNames}
          onDone={async () => {
            await fleet.reload();
            if (bulk === "remove") setSelected(new Set());
          }}
          onClose={() => setBulk(null)}
        />
      )}
      <FleetDialogs
        dialog={dialog}
        nodes={nodes}
        checkRun={checkRun}
        onClose={() => setDialog(null)}
        onSaved={(node, replacing) => {
          fleet.upsert(node, replacing);
          setDialog(null);
          // a renamed node's checks follow it on the server: fetch them under the new name
          if (replacing && replacing !== node.name) void fleet.reload();
        }}
        onRemoved={(name) => {
          fleet.forget(name);
          setSelected((set) => withNames(set, [name], false));
        }}
      />
    </div>
  );
}
