/**
 * The Ansible reference (ansible-core from Debian): an inventory of the lab hosts, an ansible.cfg
 * with forks = N and pipelining, and an idiomatic playbook for the same job as the console's
 * apply — `ansible.builtin.file` for the directories, `ansible.builtin.copy` (content, mode,
 * owner) for each mirror file, `ansible.builtin.shell` for the one command — without facts.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import type { RenderedFile } from "@/lib/render/types";
import { parentOf } from "@/lib/runs/file-commands";
import type { SshHost, SshLab } from "../../lab/ssh-hosts";
import { sampleTree, type TreeSample } from "../proc-tree";
import { runGroup } from "./processes";

export interface AnsibleProject {
  dir: string;
  hosts: readonly SshHost[];
  forks: number;
  env: NodeJS.ProcessEnv;
  inventory: string;
  controlPathDir: string;
}

/** ansible.cfg + inventory.ini for these hosts under `dir` (Ansible's own state stays there too). */
export function ansibleProject(
  dir: string,
  lab: SshLab,
  hosts: readonly SshHost[],
  forks: number,
): AnsibleProject {
  const controlPathDir = path.join(dir, "cp");
  const home = path.join(dir, "home");
  for (const sub of [controlPathDir, home]) mkdirSync(sub, { recursive: true, mode: 0o700 });
  const config = path.join(dir, "ansible.cfg");
  writeFileSync(
    config,
    [
      "[defaults]",
      `forks = ${forks}`,
      "host_key_checking = False",
      "retry_files_enabled = False",
      "nocolor = True",
      `local_tmp = ${path.join(home, "tmp")}`,
      "",
      "[ssh_connection]",
      "pipelining = True",
      // ssh_args stays Ansible's default: -C -o ControlMaster=auto -o ControlPersist=60s
      `control_path_dir = ${controlPathDir}`,
      "",
    ].join("\n"),
  );
  const inventory = path.join(dir, "inventory.ini");
  const common = `-F ${lab.sshConfig} -o UserKnownHostsFile=/dev/null -o StrictHostKeyChecking=no`;
  writeFileSync(
    inventory,
    [
      "[fleet]",
      ...hosts.map((host) => `${host.name} ansible_host=${host.address}`),
      "",
      "[fleet:vars]",
      "ansible_user=root",
      `ansible_ssh_private_key_file=${lab.keys.ed25519.path}`,
      `ansible_ssh_common_args='${common}'`,
      "ansible_python_interpreter=/usr/bin/python3",
      "",
    ].join("\n"),
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ANSIBLE_CONFIG: config,
    ANSIBLE_HOME: home,
    ANSIBLE_NOCOLOR: "1",
  };
  delete env.SSH_AUTH_SOCK;
  return { dir, hosts, forks, env, inventory, controlPathDir };
}

/** "2.14.18" */
export function ansibleVersion(project: AnsibleProject): string {
  const out = execFileSync("ansible-playbook", ["--version"], {
    env: project.env,
    encoding: "utf8",
  });
  return /\[core ([^\]]+)\]/.exec(out)?.[1] ?? "?";
}

/** The files' directories that no other one is below (`file` state=directory makes parents). */
export function leafDirs(files: readonly RenderedFile[]): string[] {
  const parents = [...new Set(files.map((file) => parentOf(file.path)))];
  return parents.filter((dir) => !parents.some((other) => other.startsWith(`${dir}/`)));
}

/** The playbook: directories, files, one command. */
export function playbook(files: readonly RenderedFile[], command: string): string {
  const dirs = leafDirs(files);
  return stringify([
    {
      name: "containerd mirror files and one command",
      hosts: "fleet",
      gather_facts: false,
      vars: {
        mirror_dirs: dirs,
        mirror_files: files.map((file) => ({
          dest: file.path,
          mode: file.mode,
          content: file.content,
        })),
      },
      tasks: [
        {
          name: "mirror config directories",
          "ansible.builtin.file": { path: "{{ item }}", state: "directory", mode: "0755" },
          loop: "{{ mirror_dirs }}",
        },
        {
          name: "mirror config files",
          "ansible.builtin.copy": {
            dest: "{{ item.dest }}",
            content: "{{ item.content }}",
            mode: "{{ item.mode }}",
            owner: "root",
            group: "root",
          },
          loop: "{{ mirror_files }}",
          loop_control: { label: "{{ item.dest }}" },
        },
        {
          name: command,
          "ansible.builtin.shell": command,
          changed_when: false,
        },
      ],
    },
  ]);
}

export interface HostRecap {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

/** The PLAY RECAP lines of ansible-playbook's output, by host. */
export function parseRecap(stdout: string): Map<string, HostRecap> {
  const recap = new Map<string, HostRecap>();
  const at = stdout.lastIndexOf("PLAY RECAP");
  for (const line of stdout.slice(Math.max(at, 0)).split("\n")) {
    const m = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/.exec(line);
    if (!m) continue;
    const [, host = "", ok, changed, unreachable, failed] = m;
    recap.set(host, {
      ok: Number(ok),
      changed: Number(changed),
      unreachable: Number(unreachable),
      failed: Number(failed),
    });
  }
  return recap;
}

export interface AnsibleRun {
  ms: number;
  /** items of the file and copy loops */
  dirs: number;
  files: number;
  recap: Map<string, HostRecap>;
  sampled?: TreeSample;
}

/** Runs ansible-playbook once; throws unless every host reports ok with nothing failed. */
export async function runAnsible(
  project: AnsibleProject,
  files: readonly RenderedFile[],
  command: string,
  options: { timeoutMs: number; sampleMs?: number },
): Promise<AnsibleRun> {
  const book = path.join(project.dir, "playbook.yml");
  writeFileSync(book, playbook(files, command));
  const log = path.join(project.dir, "ansible.out");
  let sampler: ReturnType<typeof sampleTree> | undefined;
  const chunks: Buffer[] = [];
  const { code, ms } = await runGroup(
    "ansible-playbook",
    ["-i", project.inventory, "--forks", String(project.forks), book],
    {
      cwd: project.dir,
      env: project.env,
      stdio: ["ignore", "pipe", "pipe"],
      timeoutMs: options.timeoutMs,
      onSpawn: (child) => {
        child.stdout?.on("data", (chunk: Buffer) => chunks.push(chunk));
        child.stderr?.on("data", (chunk: Buffer) => chunks.push(chunk));
        if (options.sampleMs && child.pid !== undefined)
          sampler = sampleTree(child.pid, options.sampleMs);
      },
    },
  );
  const sampled = sampler?.stop();
  const output = Buffer.concat(chunks).toString("utf8");
  writeFileSync(log, output);
  const recap = parseRecap(output);
  const problems = code === 0 ? [] : [`ansible-playbook exited ${code}`];
  for (const host of project.hosts) {
    const line = recap.get(host.name);
    // file + copy + shell: 3 tasks ok on every host
    if (!line || line.failed > 0 || line.unreachable > 0 || line.ok < 3)
      problems.push(`${host.name}: ${line ? JSON.stringify(line) : "not in the recap"}`);
  }
  if (problems.length > 0)
    throw new Error(
      `Ansible did not do the job:\n${problems.slice(0, 5).join("\n")}\n${output.slice(-2000)}`,
    );
  return { ms, dirs: leafDirs(files).length, files: files.length, recap, sampled };
}

/** Ends the ControlPersist masters Ansible left behind (ssh -O exit on each control socket). */
export function closeControlMasters(project: AnsibleProject): number {
  let closed = 0;
  let sockets: string[] = [];
  try {
    sockets = readdirSync(project.controlPathDir);
  } catch {
    return 0;
  }
  for (const socket of sockets) {
    const result = spawnSync(
      "ssh",
      ["-O", "exit", "-o", `ControlPath=${path.join(project.controlPathDir, socket)}`, "k0lab"],
      { stdio: "ignore", timeout: 5_000 },
    );
    if (result.status === 0) closed += 1;
  }
  return closed;
}
