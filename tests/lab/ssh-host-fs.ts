import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { run, runWithInput } from "./proc";

/**
 * What goes into a test host's overlay upper layer before it boots: users (never the real
 * /etc/passwd), its identity, its sshd config and keys. The real root filesystem is the lower layer.
 */

export interface LabUser {
  name: string;
  uid: number;
  password: string;
  home: string;
  /** "password": sudo asks for the password (Debian's %sudo group); "nopasswd": NOPASSWD sudo */
  sudo: "root" | "password" | "nopasswd";
}

/** root logs in by key only (sshd: PermitRootLogin prohibit-password) although it has a password. */
export const LAB_USERS = {
  root: { name: "root", uid: 0, password: "root-pass", home: "/root", sudo: "root" },
  deploy: {
    name: "deploy",
    uid: 1000,
    password: "deploy-pass",
    home: "/home/deploy",
    sudo: "password",
  },
  nopass: {
    name: "nopass",
    uid: 1001,
    password: "nopass-pass",
    home: "/home/nopass",
    sudo: "nopasswd",
  },
} as const satisfies Record<string, LabUser>;

export type LabUserName = keyof typeof LAB_USERS;

/** Files under /etc built once per run from the real ones, shared by all hosts. */
export interface AccountFiles {
  passwd: string;
  shadow: string;
  group: string;
  gshadow: string;
}

const EXTRA_USERS = [LAB_USERS.deploy, LAB_USERS.nopass];

/**
 * The real account files minus anything that would clash with the lab users (same name or
 * uid/gid 1000/1001: on this machine uid 1000 is taken), plus deploy (member of `sudo`) and nopass.
 */
export async function buildAccountFiles(): Promise<AccountFiles> {
  // (hashes() checks it got all three; the defaults only satisfy the type checker)
  const [rootHash = "!", deployHash = "!", nopassHash = "!"] = await hashes([
    LAB_USERS.root.password,
    LAB_USERS.deploy.password,
    LAB_USERS.nopass.password,
  ]);
  const clashNames = new Set<string>(EXTRA_USERS.map((user) => user.name));
  const clashIds = new Set(EXTRA_USERS.map((user) => String(user.uid)));
  const lines = (file: string) =>
    readFileSync(file, "utf8")
      .split("\n")
      .filter((line) => line.trim() !== "");

  const passwd = lines("/etc/passwd").filter((line) => {
    const [name, , uid] = line.split(":");
    if (name !== undefined && (clashNames.has(name) || clashIds.has(uid ?? ""))) {
      clashNames.add(name);
      return false;
    }
    return true;
  });
  const groupsDropped = new Set<string>(clashNames);
  const group = lines("/etc/group").filter((line) => {
    const [name, , gid] = line.split(":");
    if (name !== undefined && (groupsDropped.has(name) || clashIds.has(gid ?? ""))) {
      groupsDropped.add(name);
      return false;
    }
    return true;
  });
  const withoutDropped = (members: string) =>
    members
      .split(",")
      .filter((member) => member !== "" && !clashNames.has(member))
      .join(",");
  const editMembers = (line: string, memberField: number, add: string[]) => {
    const fields = line.split(":");
    const members = withoutDropped(fields[memberField] ?? "");
    fields[memberField] = [members, ...add].filter(Boolean).join(",");
    return fields.join(":");
  };
  const groupOut = group.map((line) =>
    editMembers(line, 3, line.startsWith("sudo:") ? [LAB_USERS.deploy.name] : []),
  );
  const gshadowOut = lines("/etc/gshadow")
    .filter((line) => !groupsDropped.has(line.split(":")[0] ?? ""))
    .map((line) => editMembers(line, 3, line.startsWith("sudo:") ? [LAB_USERS.deploy.name] : []));
  const shadowOut = lines("/etc/shadow")
    .filter((line) => !clashNames.has(line.split(":")[0] ?? ""))
    .map((line) => {
      const fields = line.split(":");
      if (fields[0] === "root") fields[1] = rootHash;
      return fields.join(":");
    });

  const today = Math.floor(Date.now() / 86_400_000);
  for (const [user, hash] of [
    [LAB_USERS.deploy, deployHash],
    [LAB_USERS.nopass, nopassHash],
  ] as const) {
    passwd.push(`${user.name}:x:${user.uid}:${user.uid}:k0lab ${user.name}:${user.home}:/bin/bash`);
    shadowOut.push(`${user.name}:${hash}:${today}:0:99999:7:::`);
    groupOut.push(`${user.name}:x:${user.uid}:`);
    gshadowOut.push(`${user.name}:!::`);
  }
  const text = (list: string[]) => `${list.join("\n")}\n`;
  return {
    passwd: text(passwd),
    shadow: text(shadowOut),
    group: text(groupOut),
    gshadow: text(gshadowOut),
  };
}

async function hashes(passwords: string[]): Promise<string[]> {
  const out = await run("openssl", ["passwd", "-6", ...passwords]);
  const list = out.trim().split("\n");
  if (list.length !== passwords.length || !list.every((hash) => hash.startsWith("$6$"))) {
    throw new Error(`openssl passwd -6 printed something unexpected: ${out}`);
  }
  return list;
}

export const SUDOERS_DROP_IN = `# k0lab: deploy gets sudo through Debian's %sudo group (password asked)
${LAB_USERS.nopass.name} ALL=(ALL:ALL) NOPASSWD: ALL
`;

export interface SshdOptions {
  /** KexAlgorithms value; default: OpenSSH's list without sntrup761 (~300 ms per handshake) */
  kex?: string;
  /** AllowTcpForwarding (also what makes a host usable as a jump host); default true */
  forwarding?: boolean;
  /** more sshd_config lines (first value wins in sshd_config, so these go first) */
  extraConfig?: readonly string[];
}

/** Debian 12's OpenSSH knows sntrup761 under both names (deb12u10 added the short one). */
export const DEFAULT_KEX = "-sntrup761x25519-sha512@openssh.com,sntrup761x25519-sha512";

export function sshdConfig(name: string, options: SshdOptions): string {
  const forwarding = options.forwarding ?? true;
  return [
    `# k0lab test host ${name}`,
    ...(options.extraConfig ?? []),
    "Port 22",
    "HostKey /etc/ssh/ssh_host_ed25519_key",
    `KexAlgorithms ${options.kex ?? DEFAULT_KEX}`,
    "PermitRootLogin prohibit-password",
    "PubkeyAuthentication yes",
    "PasswordAuthentication yes",
    "KbdInteractiveAuthentication no",
    "UsePAM yes",
    `AllowTcpForwarding ${forwarding ? "yes" : "no"}`,
    "AllowAgentForwarding yes",
    "X11Forwarding no",
    "PrintMotd no",
    "PrintLastLog no",
    "UseDNS no",
    "AcceptEnv LANG LC_*",
    "Subsystem sftp /usr/lib/openssh/sftp-server",
    "",
  ].join("\n");
}

export interface HostFsSpec {
  name: string;
  address: string;
  machineId: string;
  /** every lab host as "address name", for /etc/hosts */
  peers: readonly { address: string; name: string }[];
  accounts: AccountFiles;
  authorizedKeys: string;
  sshd: SshdOptions;
}

/** Real paths hidden in every host by a whiteout, when the real machine has them. */
const HIDDEN_IF_PRESENT = [
  "/etc/ssh/ssh_host_rsa_key",
  "/etc/ssh/ssh_host_rsa_key.pub",
  "/etc/ssh/ssh_host_ecdsa_key",
  "/etc/ssh/ssh_host_ecdsa_key.pub",
  "/etc/ssh/ssh_host_dsa_key",
  "/etc/ssh/ssh_host_dsa_key.pub",
  "/etc/k0s",
  "/var/lib/k0s",
  "/usr/local/bin/k0s",
];

export interface OverlayMarks {
  /** upper-layer directories to mark opaque (hide the real directory's content) */
  opaque: string[];
  /** upper-layer paths to turn into whiteouts (hide the real file) */
  whiteout: string[];
  /** character devices (mode 0666) to create in the upper layer */
  devices: { path: string; major: number; minor: number }[];
}

/** The host's own minimal /dev (the real one stays hidden); ptys come from its own devpts. */
const DEVICES = [
  { name: "null", major: 1, minor: 3 },
  { name: "zero", major: 1, minor: 5 },
  { name: "full", major: 1, minor: 7 },
  { name: "random", major: 1, minor: 8 },
  { name: "urandom", major: 1, minor: 9 },
  { name: "tty", major: 5, minor: 0 },
];
const DEV_LINKS = {
  ptmx: "pts/ptmx",
  fd: "/proc/self/fd",
  stdin: "/proc/self/fd/0",
  stdout: "/proc/self/fd/1",
  stderr: "/proc/self/fd/2",
};

/**
 * Write a host's upper layer (before its first boot). The host key is written separately.
 * Returns the overlay marks to apply (see applyOverlayMarks) for /root, /home, /tmp and hidden files.
 */
export function writeHostFs(upper: string, spec: HostFsSpec): OverlayMarks {
  // A directory the upper layer gets (e.g. /etc/sudoers.d) shows with the upper copy's mode and
  // owner, so parents take the real directory's; modes are set with chmod (umask).
  const parents = (path: string) => {
    let real = "";
    for (const part of dirname(path).split("/").filter(Boolean)) {
      real = `${real}/${part}`;
      const target = join(upper, real);
      if (existsSync(target)) continue;
      mkdirSync(target);
      const stat = statSync(real, { throwIfNoEntry: false });
      if (stat?.isDirectory()) {
        chmodSync(target, stat.mode & 0o7777);
        chownSync(target, stat.uid, stat.gid);
      }
    }
  };
  const file = (path: string, content: string, mode = 0o644, uid = 0, gid = uid) => {
    const target = join(upper, path);
    parents(path);
    writeFileSync(target, content);
    chmodSync(target, mode);
    chownSync(target, uid, gid);
  };
  const dir = (path: string, mode: number, uid = 0) => {
    const target = join(upper, path);
    parents(path);
    mkdirSync(target, { recursive: true });
    chmodSync(target, mode);
    chownSync(target, uid, uid);
    return target;
  };
  const shadowGid = statSync("/etc/shadow").gid;

  file("/etc/passwd", spec.accounts.passwd);
  file("/etc/shadow", spec.accounts.shadow, 0o640, 0, shadowGid);
  file("/etc/group", spec.accounts.group);
  file("/etc/gshadow", spec.accounts.gshadow, 0o640, 0, shadowGid);
  file("/etc/sudoers.d/k0lab-users", SUDOERS_DROP_IN, 0o440);
  file("/etc/hostname", `${spec.name}\n`);
  const peers = spec.peers.map((peer) => `${peer.address}\t${peer.name}`);
  file(
    "/etc/hosts",
    ["127.0.0.1\tlocalhost", ...peers, "::1\tlocalhost ip6-localhost", ""].join("\n"),
  );
  // Airgapped: no nameserver (glibc then tries 127.0.0.1:53 and gets "connection refused" at once).
  file("/etc/resolv.conf", "# k0lab test host: airgapped, no DNS\n");
  file("/etc/machine-id", `${spec.machineId}\n`, 0o444);
  file("/var/lib/dbus/machine-id", `${spec.machineId}\n`, 0o444);
  file("/etc/ssh/sshd_config", sshdConfig(spec.name, spec.sshd));

  const marks: OverlayMarks = { opaque: [], whiteout: [], devices: [] };
  marks.opaque.push(
    dir("/root", 0o700),
    dir("/home", 0o755),
    dir("/tmp", 0o1777),
    dir("/dev", 0o755),
  );
  dir("/dev/pts", 0o755);
  dir("/dev/shm", 0o1777);
  for (const [name, target] of Object.entries(DEV_LINKS))
    symlinkSync(target, join(upper, "dev", name));
  for (const device of DEVICES) {
    marks.devices.push({
      path: join(upper, "dev", device.name),
      major: device.major,
      minor: device.minor,
    });
  }
  dir("/root/.ssh", 0o700);
  file("/root/.ssh/authorized_keys", spec.authorizedKeys, 0o600);
  for (const user of EXTRA_USERS) {
    dir(user.home, 0o755, user.uid);
    dir(`${user.home}/.ssh`, 0o700, user.uid);
    file(`${user.home}/.ssh/authorized_keys`, spec.authorizedKeys, 0o600, user.uid);
  }
  for (const path of HIDDEN_IF_PRESENT) {
    if (existsSync(path)) {
      parents(path);
      marks.whiteout.push(join(upper, path));
    }
  }
  return marks;
}

/**
 * Node has no setxattr/mknod, so one python3 call (python3 is there: ansible-core needs it)
 * marks the opaque directories (trusted.overlay.opaque=y), creates the whiteouts (char 0:0)
 * and the hosts' /dev nodes.
 */
export async function applyOverlayMarks(marks: OverlayMarks): Promise<void> {
  if (marks.opaque.length + marks.whiteout.length + marks.devices.length === 0) return;
  const script = [
    "import json, os, stat, sys",
    "marks = json.load(sys.stdin)",
    "for p in marks['opaque']: os.setxattr(p, 'trusted.overlay.opaque', b'y')",
    "for p in marks['whiteout']:",
    "    if not os.path.lexists(p): os.mknod(p, stat.S_IFCHR | 0o000, os.makedev(0, 0))",
    "for d in marks['devices']:",
    "    if not os.path.lexists(d['path']):",
    "        os.mknod(d['path'], stat.S_IFCHR | 0o666, os.makedev(d['major'], d['minor']))",
    "    os.chmod(d['path'], 0o666)",
  ].join("\n");
  await runWithInput("/usr/bin/python3", ["-I", "-S", "-c", script], JSON.stringify(marks));
}

/**
 * PID 1 of a test host, run by `sh` inside the host's network namespace and fresh pid/mount/uts
 * namespaces (`unshare --pid --mount --uts --fork`, propagation private): mount the overlay root
 * (lower `/`, the host's upper dir, whose opaque /dev holds null, zero, urandom, tty, …), its own
 * devpts instance (ptys for sudo's use_pty and `ssh -t`), fresh /proc, /sys (this netns), tmpfs
 * /run and /dev/shm, set the hostname, pivot_root into it
 * (`pivot_root . .` + lazy umount drops the old root) and exec sshd as PID 1.
 * `index=off`: a restart may mount the same upper dir again while the old mount winds down.
 */
export const HOST_INIT_SCRIPT = `set -eu
name=$1 dir=$2
new=$dir/merged
mount -n -t overlay k0lab -o "lowerdir=/,upperdir=$dir/upper,workdir=$dir/work,index=off" "$new"
mount -n -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$new/dev/pts"
mount -n -t tmpfs -o nosuid,nodev,mode=1777 shm "$new/dev/shm"
mount -n -t proc -o nosuid,nodev,noexec proc "$new/proc"
mount -n -t sysfs -o nosuid,nodev,noexec sysfs "$new/sys"
mount -n -t tmpfs -o nosuid,nodev,mode=0755 run "$new/run"
mkdir -m 0755 "$new/run/sshd"
hostname "$name"
cd "$new"
pivot_root . .
umount -l .
cd /
exec /usr/sbin/sshd -D -e`;
