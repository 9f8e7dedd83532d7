import type { NodeRole } from "@/lib/render/types";

/** k0s's documented minimums per role (docs/system-requirements.md): memory and disk in MiB. */
export interface RoleRequirements {
  cpus: { minimum: number; recommended: number };
  memoryMiB: { minimum: number; recommended: number };
  dataDiskMiB: number;
  /** TCP ports k0s listens on for this role */
  ports: number[];
}

const CONTROLLER_PORTS = [2380, 6443, 8132, 9443];
const WORKER_PORTS = [10250];

export const ROLE_REQUIREMENTS: Record<NodeRole, RoleRequirements> = {
  controller: {
    cpus: { minimum: 1, recommended: 1 },
    memoryMiB: { minimum: 1024, recommended: 1024 },
    dataDiskMiB: 512,
    ports: CONTROLLER_PORTS,
  },
  worker: {
    cpus: { minimum: 1, recommended: 1 },
    memoryMiB: { minimum: 512, recommended: 512 },
    dataDiskMiB: 1331,
    ports: WORKER_PORTS,
  },
  "controller+worker": {
    cpus: { minimum: 1, recommended: 2 },
    memoryMiB: { minimum: 1024, recommended: 2048 },
    dataDiskMiB: 1741,
    ports: [...CONTROLLER_PORTS, ...WORKER_PORTS],
  },
  single: {
    cpus: { minimum: 1, recommended: 2 },
    memoryMiB: { minimum: 1024, recommended: 2048 },
    dataDiskMiB: 1741,
    ports: [...CONTROLLER_PORTS, ...WORKER_PORTS],
  },
};

/** /etc/k0s holds a few small files; 10 MiB free is plenty. */
export const CONFIG_DISK_MIB = 10;

export const SUPPORTED_ARCHES: Record<string, string> = {
  x86_64: "amd64",
  aarch64: "arm64",
  arm64: "arm64",
  armv7l: "arm",
};

/** Clock skew: certificates and join tokens start failing well before this. */
export const CLOCK_SKEW = { warnSeconds: 2, failSeconds: 30 };
