/**
 * One shell script that gathers every fact the pre-flight checks need in a single round trip.
 * Each section starts with a marker line; POSIX sh and busybox-compatible, no curl or ss needed.
 */
export const FACT_SECTIONS = [
  "uid",
  "os-release",
  "arch",
  "kernel",
  "init",
  "disk",
  "memory",
  "cpus",
  "time",
  "hostname",
  "machine-id",
  "listening",
  "k0s",
] as const;

export type FactSection = (typeof FACT_SECTIONS)[number];

export const SECTION_MARKER = "@@k0s-console-section@@";

const SECTION_COMMANDS: Record<FactSection, string> = {
  uid: "id -u",
  "os-release": "cat /etc/os-release 2>/dev/null",
  arch: "uname -m",
  kernel: "uname -r",
  init: "if [ -d /run/systemd/system ]; then echo systemd; elif [ -d /run/openrc ] || command -v openrc-run >/dev/null 2>&1; then echo openrc; else echo none; fi",
  // free KiB of the filesystem that holds each path (or its nearest existing parent)
  disk: `for p in /var/lib/k0s /etc/k0s; do d=$p; while [ ! -e "$d" ]; do d=$(dirname "$d"); done; printf '%s %s\\n' "$p" "$(df -Pk "$d" | awk 'NR==2 {print $4}')"; done`,
  memory: "grep MemTotal /proc/meminfo",
  cpus: "nproc 2>/dev/null || grep -c ^processor /proc/cpuinfo",
  time: "date +%s",
  hostname: "cat /proc/sys/kernel/hostname",
  "machine-id": "cat /etc/machine-id 2>/dev/null",
  listening: "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null",
  k0s: 'if command -v k0s >/dev/null 2>&1; then echo "path $(command -v k0s)"; echo "version $(k0s version 2>&1 | head -n 1)"; if k0s status >/dev/null 2>&1; then echo running yes; else echo running no; fi; else echo absent; fi',
};

export function factsScript(): string {
  return FACT_SECTIONS.map(
    (section) => `echo '${SECTION_MARKER}${section}'\n${SECTION_COMMANDS[section]}`,
  ).join("\n");
}
