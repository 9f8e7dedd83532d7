import type { CheckStatus, NodeRole } from "@/lib/inventory/types";
import type { NodeFacts } from "./parse-facts";
import { CLOCK_SKEW, CONFIG_DISK_MIB, ROLE_REQUIREMENTS, SUPPORTED_ARCHES } from "./requirements";

/** A check's outcome before it is tied to a node and a time. */
export interface CheckDraft {
  check: string;
  title: string;
  status: CheckStatus;
  reason: string;
  evidence: string;
}

export function draft(
  check: string,
  title: string,
  status: CheckStatus,
  reason: string,
  evidence = "",
): CheckDraft {
  return { check, title, status, reason, evidence };
}

/** Every per-node check that the gathered facts answer. `consoleEpoch` is the console's clock at mid-round-trip. */
export function evaluateNode(facts: NodeFacts, role: NodeRole, consoleEpoch: number): CheckDraft[] {
  return [
    privilege(facts),
    osRelease(facts),
    arch(facts),
    kernel(facts),
    init(facts),
    ...disk(facts, role),
    memory(facts, role),
    cpus(facts, role),
    clock(facts, consoleEpoch),
    ports(facts, role),
    existingK0s(facts),
  ];
}

function privilege(facts: NodeFacts): CheckDraft {
  return facts.uid === 0
    ? draft(
        "privilege.root",
        "Root or working sudo",
        "pass",
        "commands run as root",
        `id -u → ${facts.uid}`,
      )
    : draft(
        "privilege.root",
        "Root or working sudo",
        "fail",
        `commands run as uid ${facts.uid ?? "?"}, not root`,
        facts.raw.uid,
      );
}

function osRelease(facts: NodeFacts): CheckDraft {
  const name = facts.osRelease.PRETTY_NAME ?? facts.osRelease.NAME;
  return name
    ? draft("os.release", "Operating system", "pass", name, facts.raw["os-release"])
    : draft(
        "os.release",
        "Operating system",
        "warn",
        "no /etc/os-release: the distribution is unknown",
        facts.raw["os-release"],
      );
}

function arch(facts: NodeFacts): CheckDraft {
  const k0sArch = SUPPORTED_ARCHES[facts.arch];
  return k0sArch
    ? draft("os.arch", "Architecture", "pass", `${facts.arch} (k0s ${k0sArch} binary)`, facts.arch)
    : draft(
        "os.arch",
        "Architecture",
        "fail",
        `${facts.arch || "unknown"}: k0s ships amd64, arm64 and arm binaries only`,
        facts.arch,
      );
}

function kernel(facts: NodeFacts): CheckDraft {
  const [major = 0, minor = 0] = facts.kernel.split(/[.-]/).map(Number);
  const ok = major > 3 || (major === 3 && minor >= 10);
  return ok
    ? draft("os.kernel", "Kernel", "pass", `Linux ${facts.kernel}`, facts.kernel)
    : draft(
        "os.kernel",
        "Kernel",
        "fail",
        `Linux ${facts.kernel || "?"}: k0s needs 3.10 or later`,
        facts.kernel,
      );
}

function init(facts: NodeFacts): CheckDraft {
  return facts.init === "none"
    ? draft(
        "os.init",
        "Init system",
        "fail",
        "neither systemd nor OpenRC runs here: `k0s install` cannot create its service",
        facts.raw.init,
      )
    : draft("os.init", "Init system", "pass", facts.init, facts.raw.init);
}

function disk(facts: NodeFacts, role: NodeRole): CheckDraft[] {
  const needs: [string, string, number][] = [
    ["disk.var-lib-k0s", "/var/lib/k0s", ROLE_REQUIREMENTS[role].dataDiskMiB],
    ["disk.etc-k0s", "/etc/k0s", CONFIG_DISK_MIB],
  ];
  return needs.map(([check, path, neededMiB]) => {
    const freeKiB = facts.diskFreeKiB[path];
    const title = `Free disk for ${path}`;
    if (freeKiB === undefined)
      return draft(check, title, "warn", "could not measure the free space", facts.raw.disk);
    const freeMiB = Math.floor(freeKiB / 1024);
    return freeMiB >= neededMiB
      ? draft(
          check,
          title,
          "pass",
          `${formatMiB(freeMiB)} free (k0s ${role} needs ${formatMiB(neededMiB)})`,
          facts.raw.disk,
        )
      : draft(
          check,
          title,
          "fail",
          `only ${formatMiB(freeMiB)} free; k0s ${role} needs ${formatMiB(neededMiB)}`,
          facts.raw.disk,
        );
  });
}

function memory(facts: NodeFacts, role: NodeRole): CheckDraft {
  const { minimum, recommended } = ROLE_REQUIREMENTS[role].memoryMiB;
  const title = "Memory";
  if (facts.memTotalKiB === null)
    return draft("resources.memory", title, "warn", "could not read MemTotal", facts.raw.memory);
  const mib = Math.floor(facts.memTotalKiB / 1024);
  if (mib < minimum)
    return draft(
      "resources.memory",
      title,
      "fail",
      `${formatMiB(mib)}; k0s ${role} needs at least ${formatMiB(minimum)}`,
      facts.raw.memory,
    );
  if (mib < recommended)
    return draft(
      "resources.memory",
      title,
      "warn",
      `${formatMiB(mib)}; ${formatMiB(recommended)} recommended for ${role}`,
      facts.raw.memory,
    );
  return draft("resources.memory", title, "pass", `${formatMiB(mib)}`, facts.raw.memory);
}

function cpus(facts: NodeFacts, role: NodeRole): CheckDraft {
  const { minimum, recommended } = ROLE_REQUIREMENTS[role].cpus;
  const count = facts.cpus;
  if (count === null)
    return draft("resources.cpu", "CPUs", "warn", "could not count the CPUs", facts.raw.cpus);
  if (count < minimum)
    return draft(
      "resources.cpu",
      "CPUs",
      "fail",
      `${count} CPU; k0s needs ${minimum}`,
      facts.raw.cpus,
    );
  if (count < recommended)
    return draft(
      "resources.cpu",
      "CPUs",
      "warn",
      `${count} CPU; ${recommended} recommended for ${role}`,
      facts.raw.cpus,
    );
  return draft(
    "resources.cpu",
    "CPUs",
    "pass",
    `${count} CPU${count === 1 ? "" : "s"}`,
    facts.raw.cpus,
  );
}

function clock(facts: NodeFacts, consoleEpoch: number): CheckDraft {
  const title = "Clock skew";
  if (facts.epochSeconds === null)
    return draft("clock.skew", title, "warn", "could not read the node's clock", facts.raw.time);
  // the node prints whole seconds: up to 1 s of the difference is rounding
  const skew = facts.epochSeconds - consoleEpoch;
  const size = Math.max(0, Math.abs(skew) - 1);
  const evidence = `node ${facts.epochSeconds}, console ${consoleEpoch.toFixed(3)}`;
  const text = `node clock is ${Math.abs(skew).toFixed(1)} s ${skew >= 0 ? "ahead of" : "behind"} the console`;
  if (size > CLOCK_SKEW.failSeconds)
    return draft(
      "clock.skew",
      title,
      "fail",
      `${text}: certificates and join tokens will fail; sync NTP`,
      evidence,
    );
  if (size > CLOCK_SKEW.warnSeconds)
    return draft(
      "clock.skew",
      title,
      "warn",
      `${text}; keep nodes within ${CLOCK_SKEW.warnSeconds} s`,
      evidence,
    );
  return draft(
    "clock.skew",
    title,
    "pass",
    `within ${CLOCK_SKEW.warnSeconds} s of the console`,
    evidence,
  );
}

function ports(facts: NodeFacts, role: NodeRole): CheckDraft {
  const busy = ROLE_REQUIREMENTS[role].ports.filter((port) => facts.listeningPorts.includes(port));
  const title = "Ports k0s needs";
  const evidence = `listening: ${facts.listeningPorts.join(", ") || "none"}`;
  if (busy.length === 0)
    return draft(
      "ports.free",
      title,
      "pass",
      `${ROLE_REQUIREMENTS[role].ports.join(", ")} are free`,
      evidence,
    );
  const byK0s = facts.k0s.installed && facts.k0s.running;
  return byK0s
    ? draft(
        "ports.free",
        title,
        "warn",
        `${busy.join(", ")} in use, k0s is already running here`,
        evidence,
      )
    : draft(
        "ports.free",
        title,
        "fail",
        `${busy.join(", ")} already in use by another program`,
        evidence,
      );
}

function existingK0s(facts: NodeFacts): CheckDraft {
  const title = "Existing k0s";
  if (!facts.k0s.installed)
    return draft("k0s.existing", title, "pass", "no k0s installed yet", facts.raw.k0s);
  const state = facts.k0s.running ? "running" : "not running";
  return draft(
    "k0s.existing",
    title,
    "warn",
    `k0s ${facts.k0s.version || "(unknown version)"} at ${facts.k0s.path}, ${state}`,
    facts.raw.k0s,
  );
}

function formatMiB(mib: number): string {
  return mib >= 1024 ? `${(mib / 1024).toFixed(1)} GiB` : `${mib} MiB`;
}
