import type { HostRef, SshLab } from "./ssh-hosts";

/**
 * Makes a test host report another architecture to root: a `uname` in its own /usr/local/sbin
 * (first on root's PATH over ssh; each host has its own overlay root) answers `arch` for `-m`
 * and hands anything else to the real one. Nothing else on the host changes.
 */
export async function reportArch(lab: SshLab, host: HostRef, arch: string): Promise<void> {
  const script = [
    "set -eu",
    "mkdir -p /usr/local/sbin",
    "cat > /usr/local/sbin/uname <<'EOF'",
    "#!/bin/sh",
    `if [ "$*" = "-m" ]; then echo ${arch}; else exec /usr/bin/uname "$@"; fi`,
    "EOF",
    "chmod 0755 /usr/local/sbin/uname",
  ].join("\n");
  const result = await lab.sshExec(host, script);
  if (result.code !== 0) throw new Error(`uname wrapper: ${result.code} ${result.stderr}`);
  const check = await lab.sshExec(host, "uname -m");
  if (check.stdout.trim() !== arch)
    throw new Error(
      `the host still reports ${check.stdout.trim()}: is /usr/local/sbin on root's PATH?`,
    );
}
