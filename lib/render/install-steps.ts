import { shellCommand } from "@/lib/ssh/quote";
import type { NodeRole } from "./types";

export const K0S_CONFIG_PATH = "/etc/k0s/k0s.yaml";
export const JOIN_TOKEN_PATH = "/etc/k0s/join-token";

export interface InstallStep {
  /** why this step exists, shown as a comment in install.sh and in the run log */
  comment: string;
  argv: string[];
}

export interface InstallContext {
  role: NodeRole;
  /** this node is the controller that initialises the cluster */
  initialController: boolean;
  /** files that must be in place before k0s starts */
  mirrorFiles: string[];
}

/** The commands that install k0s on one node, mirror config first. */
export function installSteps(context: InstallContext): InstallStep[] {
  const checks = context.mirrorFiles.map((path) => ({
    comment: "mirror config in place before k0s starts",
    argv: ["test", "-s", path],
  }));
  return [
    ...checks,
    ...tokenSteps(context),
    { comment: installComment(context), argv: ["k0s", "install", ...installArgs(context)] },
    { comment: "start the k0s service", argv: ["k0s", "start"] },
    { comment: "report the node's k0s status", argv: ["k0s", "status"] },
  ];
}

function installArgs({ role, initialController }: InstallContext): string[] {
  const join = initialController ? [] : ["--token-file", JOIN_TOKEN_PATH];
  switch (role) {
    case "single":
      return ["controller", "--single", "-c", K0S_CONFIG_PATH];
    case "controller+worker":
      return ["controller", "--enable-worker", ...join, "-c", K0S_CONFIG_PATH];
    case "controller":
      return ["controller", ...join, "-c", K0S_CONFIG_PATH];
    case "worker":
      return ["worker", "--token-file", JOIN_TOKEN_PATH];
  }
}

function tokenSteps({ role, initialController }: InstallContext): InstallStep[] {
  if (initialController || role === "single") return [];
  const tokenRole = role === "worker" ? "worker" : "controller";
  return [
    {
      comment: `join token: on the initial controller run \`k0s token create --role=${tokenRole}\` and save the output here with mode 0600`,
      argv: ["test", "-s", JOIN_TOKEN_PATH],
    },
  ];
}

function installComment({ role, initialController }: InstallContext): string {
  if (role === "worker") return "install k0s as a worker joining with the token";
  if (role === "single") return "install k0s as a single-node cluster";
  return initialController
    ? "install k0s as the controller that initialises the cluster"
    : "install k0s as a controller joining the cluster with the token";
}

/** install.sh: the same steps as a script a person can read and run by hand. */
export function renderInstallScript(title: string, steps: InstallStep[]): string {
  const body = steps.map((step) => `# ${step.comment}\n${shellCommand(step.argv)}`).join("\n\n");
  return [
    "#!/bin/sh",
    `# ${title}`,
    "# Run as root on the node once the files beside this script are in place.",
    "set -eu",
    "",
    body,
    "",
  ].join("\n");
}
