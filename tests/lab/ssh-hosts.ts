import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, readlinkSync, statfsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { LAB_SEED, seedImages } from "./images";
import { isStale, LAB_PREFIX, type LabRun, startLabRun } from "./lab-run";
import {
  deleteStaleLinks,
  inNetns,
  ipBatch,
  killPid,
  listLinks,
  listNetns,
  netnsPids,
} from "./netns";
import type { TinyImage } from "./oci-image";
import { type Daemon, run, startDaemon, tryRun } from "./proc";
import { type Registry, startRegistry } from "./registry";
import {
  type SshExecOptions,
  type SshResult,
  sshExec as systemSshExec,
  writeSshClientFiles,
} from "./ssh-client";
import {
  applyOverlayMarks,
  buildAccountFiles,
  HOST_INIT_SCRIPT,
  LAB_USERS,
  type OverlayMarks,
  writeHostFs,
} from "./ssh-host-fs";
import {
  type ClientKey,
  type ClientKeyName,
  type ClientKeys,
  fingerprintOf,
  generateClientKeys,
  generateHostKey,
} from "./ssh-keys";
import { GiveUp, waitFor } from "./wait";

/**
 * Real OpenSSH test hosts, each in its own network namespace with its own overlay root and
 * sshd as PID 1 (see tests/lab/README.md for the addressing and bastion scheme).
 */

export interface SshHostSpec {
  /** hostname (uts) and /etc/hostname; default node-01, node-02, … (by position) */
  name?: string;
  /** sshd AllowTcpForwarding: false makes the host useless as a jump host; default true */
  forwarding?: boolean;
  /**
   * name of a host (not itself behind one) to put this host behind: it then sits only on that
   * bastion's private network and is unreachable from the lab's bridge and from this process.
   */
  behind?: string;
  /** extra sshd_config lines for this host (they win over the lab's defaults; no Match blocks) */
  sshdConfig?: readonly string[];
}

export interface SshLabOptions {
  /** how many default hosts, or one spec per host */
  hosts: number | readonly SshHostSpec[];
  /** images seeded into the registry on <gateway>:5000; default LAB_SEED; false: no registry */
  seed?: readonly string[] | false;
  /** sshd KexAlgorithms for all hosts; default OpenSSH's list minus sntrup761 (slow) */
  kex?: string;
  /** extra sshd_config lines for all hosts */
  sshdConfig?: readonly string[];
  /**
   * where the hosts' overlay upper dirs live: "tmpfs" (default; fast, counts against RAM: fine
   * for config files and stub binaries) or "disk" (the run's state dir, for large uploads)
   */
  upperOn?: "tmpfs" | "disk";
  /** how long all hosts may take to listen; default 30 s */
  startTimeoutMs?: number;
}

export interface SshHost {
  name: string;
  /** 1-based position in the lab's host list */
  index: number;
  /** IPv4 address, port 22 */
  address: string;
  port: number;
  /** its network namespace */
  netns: string;
  /** the jump host for hosts created with `behind`; undefined for hosts on the lab bridge */
  bastion: SshHost | undefined;
  /** the address a bastion has on its private network (bastions only) */
  innerAddress: string | undefined;
  forwarding: boolean;
  /** /etc/machine-id (32 hex digits, unique per host) */
  machineId: string;
  /** ed25519 host key fingerprint as OpenSSH prints it: "SHA256:…" (changes with regenerateHostKey) */
  readonly fingerprint: string;
  /** the ed25519 host public key line (changes with regenerateHostKey) */
  readonly hostPublicKey: string;
  /** the overlay upper directory: everything the host changed or wrote */
  upperDir: string;
  /** where a file the host wrote at `hostPath` lives in the upper dir (read it while the host runs) */
  path(hostPath: string): string;
  /** the content of a file the host wrote, or undefined when it has no such file in its upper dir */
  readFile(hostPath: string): string | undefined;
  /** sshd's log (sshd -D -e) across restarts */
  logFile: string;
  logTail(lines?: number): string;
  /** whether PID 1 (sshd) runs (false after down() until restart()) */
  running(): boolean;
  /** PID 1's pid as this process sees it */
  pid1(): number | undefined;
}

export type HostRef = SshHost | string;

export interface LabRegistry {
  registry: Registry;
  /** "<gateway>:<port>": reachable from every host (hosts behind a bastion through its NAT) */
  address: string;
  seeded: Map<string, TinyImage>;
}

export interface SshLab {
  run: LabRun;
  /** e.g. "10.213.0.0/24" (the third octet is picked per run) */
  subnet: string;
  /** root-namespace bridge: address `gateway`, hosts .11, .12, … */
  bridge: string;
  gateway: string;
  hosts: SshHost[];
  host(name: string): SshHost;
  keys: ClientKeys;
  users: typeof LAB_USERS;
  /** ssh_config for the system client: `ssh -F lab.sshConfig [-J root@bastion] root@host` */
  sshConfig: string;
  /** "<gateway>:5000", or undefined with `seed: false` */
  registryAddress: string | undefined;
  registry: LabRegistry | undefined;
  /** another registry on the gateway (e.g. one that lacks an image); stopped by stop() */
  startRegistry(options: {
    name: string;
    port: number;
    seed: readonly string[];
  }): Promise<LabRegistry>;
  /** system ssh to a host (through its bastion when it has one); for self-tests and the bench's reference */
  sshExec(
    host: HostRef,
    command: string,
    options?: Omit<SshExecOptions, "key"> & { key?: ClientKeyName | ClientKey },
  ): Promise<SshResult>;
  /** kill the per-connection sshd processes (or, `all`, everything but PID 1): sessions drop */
  killSessions(host: HostRef, options?: { all?: boolean }): Promise<number>;
  /** kill PID 1 (the whole host): connection refused until restart() */
  down(host: HostRef): Promise<void>;
  /** boot the host again (after down(), or kill it first); its files persist */
  restart(host: HostRef): Promise<void>;
  /** SIGSTOP every process of the host: connects hang at the banner, commands hang */
  freeze(host: HostRef): Promise<void>;
  thaw(host: HostRef): Promise<void>;
  /** take the host's link down (on the bridge side): its packets go nowhere */
  partition(host: HostRef): Promise<void>;
  heal(host: HostRef): Promise<void>;
  /**
   * iptables inside the host: reject (tcp reset) or drop TCP to `port`; direction "out" = its
   * connections to that port (e.g. the registry), "in" = connections to it; default both.
   */
  blockPort(host: HostRef, port: number, options?: BlockOptions): Promise<void>;
  unblockPort(host: HostRef, port: number, options?: BlockOptions): Promise<void>;
  /** new ed25519 host key and reboot on the same address; returns the new fingerprint */
  regenerateHostKey(host: HostRef): Promise<string>;
  /** tear everything down: processes, namespaces, links, bridge, state dir */
  stop(): Promise<void>;
}

export interface BlockOptions {
  direction?: "in" | "out" | "both";
  action?: "reject" | "drop";
}

const SUBNET_PREFIX = "10.213";
/** bridge hosts: .11 … .127; bastions' private networks: the upper half, one /26 each */
const LAST_BRIDGE_OCTET = 127;
const INNER_BLOCKS = [128, 192];
const INNER_PREFIX_LENGTH = 26;
const INNER_HOSTS_PER_BASTION = 64 - 11 - 1;
const REGISTRY_PORT = 5000;
const FIRST_HOST_OCTET = 11;
/** root-namespace links: k0lab-br<k> (bridge), k0lab-<k>h<index> (veths); owner in the alias */
const LINK_PREFIX = LAB_PREFIX;
const OVERLAYFS_MAGIC = 0x794c7630;

interface HostState {
  handle: SshHost;
  spec: SshHostSpec;
  dir: string;
  upper: string;
  /** the outer end of its veth pair: in the root namespace (netns undefined) or the bastion's */
  outerLink: { netns: string | undefined; dev: string };
  /** the route inner hosts use for the gateway (registry) */
  gatewayVia: string | undefined;
  daemon: Daemon | undefined;
  fingerprint: string;
  hostPublicKey: string;
  pid1: number | undefined;
}

export async function startSshLab(options: SshLabOptions): Promise<SshLab> {
  const started = Date.now();
  const phase = (what: string) => {
    if (process.env.K0LAB_DEBUG === "1")
      console.log(`ssh lab +${Date.now() - started} ms: ${what}`);
  };
  const specs: SshHostSpec[] =
    typeof options.hosts === "number"
      ? Array.from({ length: options.hosts }, () => ({}))
      : [...options.hosts];
  const names = specs.map((spec, i) => spec.name ?? `node-${String(i + 1).padStart(2, "0")}`);
  validateSpecs(specs, names);

  const labRun = await startLabRun();
  await deleteStaleLinks(LINK_PREFIX, isStale);
  phase("lab run (stale state removed)");

  const states: HostState[] = [];
  const registries: Registry[] = [];
  let registryStart: Promise<LabRegistry | undefined> = Promise.resolve(undefined);
  let bridge: string | undefined;
  let hostsMount: string | undefined;
  let stopped = false;

  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await Promise.all(states.map((state) => killHost(state)));
    await registryStart.catch(() => undefined);
    for (const registry of registries.splice(0)) await registry.stop();
    const netns = states.map((state) => state.handle.netns);
    // Nothing should still run in a namespace; be sure anyway.
    await Promise.all(
      netns.map(async (name) => {
        for (const pid of await netnsPids(name)) killPid(pid);
      }),
    );
    // Deleting a namespace destroys its veth pairs in one batch in the kernel (much faster than
    // deleting 30 veths one by one); the root ends then vanish asynchronously, so wait for them.
    const rootLinks = new Set(states.filter((s) => !s.outerLink.netns).map((s) => s.outerLink.dev));
    await ipBatch(
      [
        ...netns.filter((name) => listNetns().includes(name)).map((name) => `netns delete ${name}`),
        ...(bridge ? [`link delete dev ${bridge}`] : []),
      ],
      { force: true },
    ).catch(() => undefined);
    for (const name of netns) {
      if (listNetns().includes(name)) await tryRun("ip", ["netns", "delete", name]);
    }
    await waitFor(
      "the lab's veths to go",
      async () => !(await listLinks()).some((link) => rootLinks.has(link.name)),
      { timeoutMs: 10_000, intervalMs: 20 },
    ).catch(async () => {
      const left = (await listLinks()).filter((link) => rootLinks.has(link.name));
      await ipBatch(
        left.map((link) => `link delete dev ${link.name}`),
        { force: true },
      ).catch(() => undefined);
    });
    if (hostsMount && !(await tryRun("umount", ["-n", hostsMount]))) {
      await tryRun("umount", ["-n", "-l", hostsMount]);
    }
    labRun.dispose();
  };

  try {
    const k = await allocateBridge(labRun.id);
    bridge = `${LINK_PREFIX}br${k}`;
    const gateway = `${SUBNET_PREFIX}.${k}.1`;
    const subnet = `${SUBNET_PREFIX}.${k}.0/24`;
    await ipBatch([`addr add ${gateway}/24 dev ${bridge}`, `link set dev ${bridge} up`]);

    // The registry starts and is seeded while the hosts boot.
    if (options.seed !== false) {
      const dir = labRun.mkdir("registry");
      const seed = options.seed ?? LAB_SEED;
      registryStart = startLabRegistry(dir, "lab registry", gateway, REGISTRY_PORT, seed).then(
        (registry) => {
          registries.push(registry.registry);
          return registry;
        },
      );
      registryStart.catch(() => undefined); // awaited below; no unhandled rejection meanwhile
    }

    // Upper dirs on a tmpfs by default: creating files in a directory under /tmp on this
    // machine's ext4 costs ~0.75 ms each (vs ~0.02 ms on tmpfs) and each host writes ~35. On
    // disk they must not be on overlayfs (e.g. a container's root): overlay rejects that upper.
    const hostsDir = labRun.mkdir("hosts");
    if ((options.upperOn ?? "tmpfs") === "tmpfs" || statfsSync(hostsDir).type === OVERLAYFS_MAGIC) {
      await run("mount", ["-n", "-t", "tmpfs", "-o", "mode=0700", "k0lab-hosts", hostsDir]);
      hostsMount = hostsDir;
    }
    states.push(...planHosts(specs, names, { k, hostsDir, run: labRun }));

    const keysDir = labRun.mkdir("keys");
    const [keys, accounts] = await Promise.all([
      generateClientKeys(keysDir, labRun.id),
      buildAccountFiles(),
      mapLimit(states, 8, async (state) => {
        const keyFile = join(state.upper, "etc/ssh/ssh_host_ed25519_key");
        mkdirSync(dirname(keyFile), { recursive: true });
        state.hostPublicKey = await generateHostKey(keyFile, `root@${state.handle.name}`);
        state.fingerprint = fingerprintOf(state.hostPublicKey);
      }),
      createNetworks(states, bridge, labRun.id, gateway),
    ]);
    phase("bridge, namespaces, links, client and host keys");
    const clientFiles = writeSshClientFiles(keysDir, keys.ed25519);
    const authorizedKeys = `${Object.values(keys)
      .map((key) => key.publicKey)
      .join("\n")}\n`;

    // Upper layers in chunks: a chunk boots (in child processes) while the next one is written.
    const peers = states.map((s) => ({ address: s.handle.address, name: s.handle.name }));
    const boots: Promise<void>[] = [];
    for (let from = 0; from < states.length; from += 8) {
      const chunk = states.slice(from, from + 8);
      const marks: OverlayMarks = { opaque: [], whiteout: [], devices: [] };
      for (const state of chunk) {
        const hostMarks = writeHostFs(state.upper, {
          name: state.handle.name,
          address: state.handle.address,
          machineId: state.handle.machineId,
          peers,
          accounts,
          authorizedKeys,
          sshd: {
            kex: options.kex,
            forwarding: state.handle.forwarding,
            extraConfig: [...(state.spec.sshdConfig ?? []), ...(options.sshdConfig ?? [])],
          },
        });
        marks.opaque.push(...hostMarks.opaque);
        marks.whiteout.push(...hostMarks.whiteout);
        marks.devices.push(...hostMarks.devices);
      }
      boots.push(
        applyOverlayMarks(marks).then(() => {
          for (const state of chunk) startHost(state);
        }),
      );
    }
    await Promise.all(boots);
    phase("upper layers written, hosts booting");
    await waitForHosts(states, options.startTimeoutMs ?? 30_000);
    phase("all sshd listening");
    const registry = await registryStart;
    phase("registry seeded");

    const hostOf = (ref: HostRef): HostState => {
      const name = typeof ref === "string" ? ref : ref.name;
      const state = states.find((s) => s.handle.name === name);
      if (!state) throw new Error(`no lab host named ${name}`);
      return state;
    };
    const keyOf = (key: ClientKeyName | ClientKey | undefined): ClientKey | undefined =>
      typeof key === "string" ? keys[key] : key;
    const restart = async (ref: HostRef) => {
      const state = hostOf(ref);
      await killHost(state);
      startHost(state);
      await waitForHosts([state], 15_000);
    };
    const iptablesBlock = async (ref: HostRef, port: number, add: boolean, opts: BlockOptions) => {
      const state = hostOf(ref);
      const direction = opts.direction ?? "both";
      const target =
        (opts.action ?? "reject") === "reject"
          ? ["-j", "REJECT", "--reject-with", "tcp-reset"]
          : ["-j", "DROP"];
      const rules: string[][] = [];
      if (direction !== "in") rules.push(["OUTPUT", "--dport", String(port)]);
      if (direction !== "out") rules.push(["INPUT", "--dport", String(port)]);
      for (const [chain, ...match] of rules) {
        const [cmd, args] = inNetns(state.handle.netns, "iptables", [
          "-w",
          add ? "-I" : "-D",
          chain ?? "OUTPUT",
          "-p",
          "tcp",
          ...match,
          ...target,
        ]);
        await run(cmd, args);
      }
    };

    const lab: SshLab = {
      run: labRun,
      subnet,
      bridge,
      gateway,
      hosts: states.map((s) => s.handle),
      host: (name) => hostOf(name).handle,
      keys,
      users: LAB_USERS,
      sshConfig: clientFiles.config,
      registryAddress: registry?.address,
      registry,
      async startRegistry({ name, port, seed }) {
        const extra = await startLabRegistry(
          labRun.mkdir(`registry-${port}`),
          name,
          gateway,
          port,
          seed,
        );
        registries.push(extra.registry);
        return extra;
      },
      sshExec(ref, command, opts = {}) {
        const state = hostOf(ref);
        return systemSshExec(state.handle, command, clientFiles, { ...opts, key: keyOf(opts.key) });
      },
      async killSessions(ref, opts = {}) {
        const state = hostOf(ref);
        const pid1 = findPid1(state);
        if (pid1 === undefined) return 0;
        const victims = hostPids(pid1).filter(
          (pid) => pid !== pid1 && (opts.all || processName(pid) === "sshd"),
        );
        for (const pid of victims) killPid(pid);
        return victims.length;
      },
      down: async (ref) => killHost(hostOf(ref)),
      restart,
      async freeze(ref) {
        const pid1 = findPid1(hostOf(ref));
        if (pid1 === undefined) throw new Error(`${hostOf(ref).handle.name} is not running`);
        // PID 1 first (no new connections), then passes until one finds nothing new (a
        // session may fork while we go).
        signal(pid1, "SIGSTOP");
        const stopped = new Set([pid1]);
        for (;;) {
          const fresh = hostPids(pid1).filter((pid) => !stopped.has(pid));
          if (fresh.length === 0) break;
          for (const pid of fresh) {
            signal(pid, "SIGSTOP");
            stopped.add(pid);
          }
        }
      },
      async thaw(ref) {
        const pid1 = findPid1(hostOf(ref));
        if (pid1 === undefined) return;
        for (const pid of hostPids(pid1)) signal(pid, "SIGCONT");
      },
      async partition(ref) {
        const { outerLink } = hostOf(ref);
        await ipBatch([`link set dev ${outerLink.dev} down`], { netns: outerLink.netns });
      },
      async heal(ref) {
        const { outerLink } = hostOf(ref);
        await ipBatch([`link set dev ${outerLink.dev} up`], { netns: outerLink.netns });
      },
      blockPort: (ref, port, opts = {}) => iptablesBlock(ref, port, true, opts),
      unblockPort: (ref, port, opts = {}) => iptablesBlock(ref, port, false, opts),
      async regenerateHostKey(ref) {
        const state = hostOf(ref);
        await killHost(state);
        state.hostPublicKey = await generateHostKey(
          join(state.upper, "etc/ssh/ssh_host_ed25519_key"),
          `root@${state.handle.name}`,
        );
        state.fingerprint = fingerprintOf(state.hostPublicKey);
        startHost(state);
        await waitForHosts([state], 15_000);
        return state.fingerprint;
      },
      stop,
    };
    phase(`${states.length} hosts on ${subnet} up`);
    return lab;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Names, addresses, namespaces and directories of every host (nothing created yet but dirs). */
function planHosts(
  specs: SshHostSpec[],
  names: string[],
  ctx: { k: number; hostsDir: string; run: LabRun },
): HostState[] {
  // Everything stays inside the run's 10.213.<k>.0/24, whose only route in the root namespace is
  // the lab bridge: a direct attempt to reach a host behind a bastion finds nobody answering ARP
  // on the bridge instead of leaving through the machine's default route. Bridge hosts get
  // .11 … .127 in order; bastion m's private network is .(128 + 64m)/26, the bastion at +1 and
  // its hosts at +11 ….
  const bastions = [...new Set(specs.flatMap((spec) => (spec.behind ? [spec.behind] : [])))];
  const netnsOf = (i: number) => ctx.run.netnsName(`h${i + 1}`);
  let bridgeOctet = FIRST_HOST_OCTET;
  const innerCount = new Map<string, number>();
  const states: HostState[] = specs.map((spec, i) => {
    const index = i + 1;
    const name = names[i] ?? `node-${index}`;
    const dir = join(ctx.hostsDir, name);
    const upper = join(dir, "upper");
    for (const sub of ["upper", "work", "merged"]) mkdirSync(join(dir, sub), { recursive: true });
    let address: string;
    let outerLink: HostState["outerLink"];
    let gatewayVia: string | undefined;
    if (spec.behind) {
      const m = bastions.indexOf(spec.behind);
      const n = innerCount.get(spec.behind) ?? 0;
      innerCount.set(spec.behind, n + 1);
      const block = INNER_BLOCKS[m] ?? 0;
      address = `${SUBNET_PREFIX}.${ctx.k}.${block + FIRST_HOST_OCTET + n}`;
      gatewayVia = `${SUBNET_PREFIX}.${ctx.k}.${block + 1}`;
      outerLink = { netns: netnsOf(names.indexOf(spec.behind)), dev: `in${index}` };
    } else {
      address = `${SUBNET_PREFIX}.${ctx.k}.${bridgeOctet}`;
      bridgeOctet += 1;
      outerLink = { netns: undefined, dev: `${LINK_PREFIX}${ctx.k}h${index}` };
    }
    const m = bastions.indexOf(name);
    const state: HostState = {
      handle: {} as SshHost,
      spec,
      dir,
      upper,
      outerLink,
      gatewayVia,
      daemon: undefined,
      fingerprint: "",
      hostPublicKey: "",
      pid1: undefined,
    };
    state.handle = {
      name,
      index,
      address,
      port: 22,
      netns: netnsOf(i),
      bastion: undefined,
      innerAddress: m < 0 ? undefined : `${SUBNET_PREFIX}.${ctx.k}.${(INNER_BLOCKS[m] ?? 0) + 1}`,
      forwarding: spec.forwarding ?? true,
      machineId: randomBytes(16).toString("hex"),
      get fingerprint() {
        return state.fingerprint;
      },
      get hostPublicKey() {
        return state.hostPublicKey;
      },
      upperDir: upper,
      path: (hostPath) => upperPath(upper, hostPath),
      readFile: (hostPath) => {
        try {
          return readFileSync(upperPath(upper, hostPath), "utf8");
        } catch {
          return undefined;
        }
      },
      logFile: join(dir, "sshd.log"),
      logTail: (lines = 30) => state.daemon?.logTail(lines) ?? "(not started)",
      running: () => state.daemon?.running() ?? false,
      pid1: () => findPid1(state),
    };
    return state;
  });
  for (const [i, state] of states.entries()) {
    const behind = specs[i]?.behind;
    if (behind) state.handle.bastion = states[names.indexOf(behind)]?.handle;
  }
  return states;
}

function validateSpecs(specs: SshHostSpec[], names: string[]) {
  const seen = new Set<string>();
  for (const [i, spec] of specs.entries()) {
    const name = names[i] ?? "";
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(name)) throw new Error(`bad host name "${name}"`);
    if (seen.has(name)) throw new Error(`two hosts named ${name}`);
    seen.add(name);
    if (spec.behind !== undefined) {
      const bastion = specs[names.indexOf(spec.behind)];
      if (!bastion) throw new Error(`${name}: no host named ${spec.behind} to sit behind`);
      if (bastion.behind) throw new Error(`${name}: ${spec.behind} is itself behind a bastion`);
    }
  }
  const onBridge = specs.filter((spec) => !spec.behind).length;
  if (onBridge > LAST_BRIDGE_OCTET + 1 - FIRST_HOST_OCTET) {
    throw new Error(`too many hosts on the bridge (${onBridge}, at most 117)`);
  }
  const bastions = [...new Set(specs.flatMap((spec) => (spec.behind ? [spec.behind] : [])))];
  if (bastions.length > INNER_BLOCKS.length) {
    throw new Error(`at most ${INNER_BLOCKS.length} bastions (got ${bastions.join(", ")})`);
  }
  for (const bastion of bastions) {
    const behind = specs.filter((spec) => spec.behind === bastion).length;
    if (behind > INNER_HOSTS_PER_BASTION) {
      throw new Error(`${behind} hosts behind ${bastion}: at most ${INNER_HOSTS_PER_BASTION}`);
    }
  }
}

/** Take the first free 10.213.<k>.0/24 whose bridge name nobody holds (ip link add is atomic). */
async function allocateBridge(owner: string): Promise<number> {
  const routes = await run("ip", ["-4", "route", "show"]);
  for (let k = 0; k < 256; k += 1) {
    if (routes.includes(`${SUBNET_PREFIX}.${k}.`)) continue;
    const name = `${LINK_PREFIX}br${k}`;
    const created = await tryRun("ip", ["link", "add", name, "type", "bridge"]);
    if (!created) continue;
    await run("ip", ["link", "set", "dev", name, "alias", owner]);
    return k;
  }
  throw new Error(`no free ${SUBNET_PREFIX}.<k>.0/24 subnet for the ssh lab`);
}

/**
 * Namespaces and veth pairs in one `ip -batch` (root ends named k0lab-<k>h<index>, owner in the
 * alias), then each namespace's addresses in one batch per namespace. A bastion also gets a
 * bridge for its private network and NATs its hosts' traffic to the gateway (the registry).
 */
async function createNetworks(states: HostState[], bridge: string, owner: string, gateway: string) {
  const root: string[] = [];
  for (const state of states) root.push(`netns add ${state.handle.netns}`);
  for (const state of states) {
    const { dev, netns } = state.outerLink;
    if (netns === undefined) {
      root.push(`link add ${dev} type veth peer name eth0 netns ${state.handle.netns}`);
      root.push(`link set dev ${dev} alias ${owner} master ${bridge} up`);
    } else {
      root.push(
        `link add ${dev} netns ${netns} type veth peer name eth0 netns ${state.handle.netns}`,
      );
    }
  }
  await ipBatch(root);

  // Bastions first: their private bridge must hold the inner veth ends before the inner hosts
  // route to the gateway through them.
  const inner = (bastion: HostState) => states.filter((s) => s.handle.bastion === bastion.handle);
  const configure = async (state: HostState) => {
    const { handle } = state;
    const lines = [
      "link set dev lo up",
      `addr add ${handle.address}/${state.gatewayVia ? INNER_PREFIX_LENGTH : 24} dev eth0`,
      "link set dev eth0 up",
    ];
    if (state.gatewayVia) lines.push(`route add ${gateway}/32 via ${state.gatewayVia}`);
    const behind = inner(state);
    if (behind.length > 0 && handle.innerAddress) {
      lines.push(
        "link add k0inner type bridge",
        `addr add ${handle.innerAddress}/${INNER_PREFIX_LENGTH} dev k0inner`,
        "link set dev k0inner up",
        ...behind.map((s) => `link set dev ${s.outerLink.dev} master k0inner up`),
      );
    }
    await ipBatch(lines, { netns: handle.netns });
    if (behind.length > 0 && handle.innerAddress) {
      // NAT the private network's traffic to the gateway (the registries), and nothing else.
      const last = Number(handle.innerAddress.split(".").at(-1)) - 1;
      const innerNet = `${handle.innerAddress.replace(/\.\d+$/, `.${last}`)}/${INNER_PREFIX_LENGTH}`;
      const script = [
        "set -e",
        "echo 1 > /proc/sys/net/ipv4/ip_forward",
        `iptables -w -t nat -A POSTROUTING -s ${innerNet} -d ${gateway} -j MASQUERADE`,
        `iptables -w -A FORWARD -s ${innerNet} -d ${gateway} -j ACCEPT`,
        `iptables -w -A FORWARD -d ${innerNet} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
        "iptables -w -A FORWARD -j DROP",
      ].join("\n");
      const [cmd, args] = inNetns(handle.netns, "sh", ["-c", script]);
      await run(cmd, args);
    }
  };
  await Promise.all(states.filter((s) => !s.handle.bastion).map(configure));
  await Promise.all(states.filter((s) => s.handle.bastion).map(configure));
}

function startHost(state: HostState) {
  state.pid1 = undefined;
  const [cmd, args] = inNetns(state.handle.netns, "unshare", [
    "--pid",
    "--mount",
    "--uts",
    "--fork",
    "--kill-child=KILL",
    "--propagation",
    "private",
    "--",
    "sh",
    "-c",
    HOST_INIT_SCRIPT,
    "k0lab-host-init",
    state.handle.name,
    state.dir,
  ]);
  state.daemon = startDaemon(`host ${state.handle.name}`, cmd, args, state.handle.logFile);
}

/**
 * Kill PID 1: the kernel kills the rest of the pid namespace, and `unshare` (the daemon) exits
 * once PID 1 is reaped, which is after the namespace's last process is gone.
 */
async function killHost(state: HostState) {
  const daemon = state.daemon;
  if (!daemon?.running()) return;
  const pid1 = findPid1(state);
  if (pid1 !== undefined) killPid(pid1);
  const exited = await waitFor("host to exit", () => !daemon.running(), {
    timeoutMs: pid1 === undefined ? 0 : 5_000,
    intervalMs: 10,
  }).then(
    () => true,
    () => false,
  );
  if (!exited) {
    // not booted far enough to have a PID 1 (or stuck): its child dies by --kill-child
    killPid(daemon.pid);
    await daemon.exited;
    if (pid1 !== undefined) {
      await waitFor("host PID 1 to go", () => parentOf(pid1) === undefined, { timeoutMs: 5_000 });
    }
  }
  state.pid1 = undefined;
}

async function waitForHosts(states: HostState[], timeoutMs: number) {
  const pending = new Set(states);
  await waitFor(
    `${pending.size} test host(s) to listen on port 22`,
    () => {
      for (const state of pending) {
        if (!state.daemon?.running()) {
          throw new GiveUp(`${state.handle.name} exited:\n${state.handle.logTail(20)}`);
        }
        if (listensOn22(state)) pending.delete(state);
      }
      return pending.size === 0;
    },
    {
      timeoutMs,
      intervalMs: 20,
      describe: () =>
        [...pending].map((s) => `${s.handle.name}: ${s.handle.logTail(10)}`).join("\n"),
    },
  );
}

/** sshd listens when the daemon process (in the host's netns) sees a LISTEN socket on :22. */
function listensOn22(state: HostState): boolean {
  const pid = state.daemon?.pid;
  if (pid === undefined) return false;
  try {
    if (statSync(`/proc/${pid}/ns/net`).ino !== statSync(`/run/netns/${state.handle.netns}`).ino) {
      return false;
    }
    return ["tcp", "tcp6"].some((table) =>
      readFileSync(`/proc/${pid}/net/${table}`, "utf8")
        .split("\n")
        .some((line) => {
          const fields = line.trim().split(/\s+/);
          return fields[1]?.endsWith(":0016") && fields[3] === "0A";
        }),
    );
  } catch {
    return false;
  }
}

/** The host's PID 1 is the child of the `unshare` process (the daemon's pid). */
function findPid1(state: HostState): number | undefined {
  const daemon = state.daemon;
  if (!daemon?.running()) return undefined;
  if (state.pid1 !== undefined && parentOf(state.pid1) === daemon.pid) return state.pid1;
  state.pid1 = procPids().find((pid) => parentOf(pid) === daemon.pid);
  return state.pid1;
}

/** Every process in the same pid namespace as `pid1` (its host), PID 1 included. */
function hostPids(pid1: number): number[] {
  let ns: string;
  try {
    ns = readlinkSync(`/proc/${pid1}/ns/pid`);
  } catch {
    return [];
  }
  return procPids().filter((pid) => {
    try {
      return readlinkSync(`/proc/${pid}/ns/pid`) === ns;
    } catch {
      return false;
    }
  });
}

function procPids(): number[] {
  return readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

function processName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "";
  }
}

function signal(pid: number, sig: NodeJS.Signals) {
  try {
    process.kill(pid, sig);
  } catch {
    // gone
  }
}

function upperPath(upper: string, hostPath: string): string {
  if (!hostPath.startsWith("/")) throw new Error(`${hostPath}: give an absolute path on the host`);
  const parts = hostPath.split("/").filter(Boolean);
  if (parts.includes("..")) throw new Error(`${hostPath}: no ".." please`);
  return join(upper, ...parts);
}

async function startLabRegistry(
  dir: string,
  name: string,
  gateway: string,
  port: number,
  seed: readonly string[],
): Promise<LabRegistry> {
  const address = `${gateway}:${port}`;
  const registry = await startRegistry({ name, dir, listen: { tcp: address } });
  try {
    if (!registry.endpoint) throw new Error(`${name}: no endpoint`);
    const { endpoint } = registry;
    // one repository per push, all at once (seedImages pushes one after the other)
    const parts = await Promise.all(seed.map((ref) => seedImages(endpoint, [ref])));
    const seeded = new Map(parts.flatMap((part) => [...part]));
    return { registry, address, seeded };
  } catch (error) {
    await registry.stop();
    throw error;
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next];
      next += 1;
      if (item !== undefined) await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
