import {
  type ContainerdOptions,
  type ContainerdSandbox,
  type NodeFile,
  startContainerd,
} from "./containerd";
import { LAB_SEED, seedImages } from "./images";
import { type LabRun, startLabRun } from "./lab-run";
import { createNetns, deleteNetns } from "./netns";
import type { TinyImage } from "./oci-image";
import { type Registry, startRegistry } from "./registry";

/** Inside the lab namespace nothing else listens, so a fixed port is safe. */
export const MIRROR_ADDRESS = "127.0.0.1:5000";

export interface MirrorLab {
  run: LabRun;
  /** the airgapped namespace: loopback only, registry on MIRROR_ADDRESS */
  netns: string;
  /** host:port of the registry as containerd (inside `netns`) reaches it */
  mirrorAddress: string;
  registry: Registry;
  /** the images in the registry, by repository:tag */
  seeded: Map<string, TinyImage>;
  /** a fresh containerd (own root) in the lab namespace with `files` under /etc/k0s; stopped by stop() */
  startContainerd(
    name: string,
    files: NodeFile[],
    options?: Partial<Pick<ContainerdOptions, "sandboxImage" | "startTimeoutMs">>,
  ): Promise<ContainerdSandbox>;
  stop(): Promise<void>;
}

/**
 * Airgapped namespace + seeded registry. This process cannot enter a network namespace, so it
 * seeds through a short-lived registry on a unix socket, then serves the same storage inside the
 * namespace; any upstream fallback from there fails at once ("network is unreachable").
 */
export async function startMirrorLab(seed: readonly string[] = LAB_SEED): Promise<MirrorLab> {
  const run = await startLabRun();
  const netns = run.netnsName("ctd");
  const sandboxes: ContainerdSandbox[] = [];
  let registry: Registry | undefined;
  const stop = async () => {
    for (const sandbox of sandboxes.splice(0)) await sandbox.stop();
    await registry?.stop();
    await deleteNetns(netns);
    run.dispose();
  };
  try {
    await createNetns(netns);
    const storageDir = run.mkdir("registry-storage");
    const seeder = await startRegistry({
      name: "seed registry",
      dir: run.mkdir("seed-registry"),
      storageDir,
      listen: "unix",
    });
    let seeded: Map<string, TinyImage>;
    try {
      if (!seeder.endpoint) throw new Error("seed registry has no endpoint");
      seeded = await seedImages(seeder.endpoint, seed);
    } finally {
      await seeder.stop();
    }
    registry = await startRegistry({
      name: "mirror registry",
      dir: run.mkdir("mirror-registry"),
      storageDir,
      listen: { tcp: MIRROR_ADDRESS },
      netns,
    });
    return {
      run,
      netns,
      mirrorAddress: MIRROR_ADDRESS,
      registry,
      seeded,
      async startContainerd(name, files, options = {}) {
        const sandbox = await startContainerd({
          name,
          dir: run.mkdir(name),
          netns,
          files,
          ...options,
        });
        sandboxes.push(sandbox);
        return sandbox;
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
