"use client";

import type { NodeRole, NodeSpec } from "@/lib/render/types";
import { buttonClass, FieldError, Hint, inputClass, Section } from "./ui";

const ROLES: NodeRole[] = ["single", "controller+worker", "controller", "worker"];

export function NodesPanel({
  nodes,
  fieldError,
  onChange,
}: {
  nodes: NodeSpec[];
  fieldError: (field: string) => string | null;
  onChange: (nodes: NodeSpec[]) => void;
}) {
  const update = (index: number, patch: Partial<NodeSpec>) =>
    onChange(nodes.map((node, i) => (i === index ? { ...node, ...patch } : node)));
  const add = () => {
    const role: NodeRole = nodes.length === 0 ? "single" : "worker";
    onChange([...nodes, { name: nextName(nodes), role }]);
  };

  return (
    <Section id="nodes" step={4} title="Nodes">
      {nodes.length === 0 && (
        <p className="text-sm text-slate-500">No nodes: add at least one to render its files.</p>
      )}
      <div className="relative overflow-x-auto">
        <table className="w-full min-w-[28rem] text-sm">
          <thead className="text-left text-xs text-slate-500 dark:text-slate-400">
            <tr>
              <th className="pb-1 font-medium">Name</th>
              <th className="pb-1 font-medium">Role</th>
              <th className="pb-1 font-medium">Registry address (if not the default)</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((node, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; names change as the user types
              <tr key={index} className="align-top">
                <td className="py-1 pr-2">
                  <input
                    aria-label={`Node ${index + 1} name`}
                    value={node.name}
                    onChange={(event) => update(index, { name: event.target.value })}
                    aria-invalid={fieldError(`nodes[${index}].name`) !== null}
                    className={`${inputClass} font-mono`}
                  />
                  <FieldError
                    id={`node-${index}-name-error`}
                    message={fieldError(`nodes[${index}].name`)}
                  />
                </td>
                <td className="py-1 pr-2">
                  <select
                    aria-label={`Node ${index + 1} role`}
                    value={node.role}
                    onChange={(event) => update(index, { role: event.target.value as NodeRole })}
                    className={inputClass}
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                </td>
                <td className="py-1 pr-2">
                  <input
                    aria-label={`Node ${index + 1} registry address`}
                    value={node.registryAddress ?? ""}
                    placeholder="default"
                    onChange={(event) =>
                      update(index, { registryAddress: event.target.value || undefined })
                    }
                    aria-invalid={fieldError(`nodes[${index}].registryAddress`) !== null}
                    className={`${inputClass} font-mono`}
                  />
                  <FieldError
                    id={`node-${index}-address-error`}
                    message={fieldError(`nodes[${index}].registryAddress`)}
                  />
                </td>
                <td className="py-1">
                  <button
                    type="button"
                    aria-label={`Remove node ${node.name || index + 1}`}
                    className="px-1 text-slate-500 hover:text-red-700"
                    onClick={() => onChange(nodes.filter((_, i) => i !== index))}
                  >
                    ✕
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <button type="button" className={`${buttonClass} mt-2`} onClick={add}>
        Add node
      </button>
      <Hint>
        The node that hosts the registry can use 127.0.0.1:5000; the others need an address they can
        reach. The first controller initialises the cluster.
      </Hint>
    </Section>
  );
}

function nextName(nodes: NodeSpec[]): string {
  let n = nodes.length + 1;
  while (nodes.some((node) => node.name === `node-${n}`)) n += 1;
  return `node-${n}`;
}
