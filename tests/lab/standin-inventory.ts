import { rmSync } from "node:fs";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { putFleetSettings } from "@/lib/inventory/settings";
import { LAB_SEED } from "./images";
import { standinSeed } from "./k0s-standin/images";
import { installK0sStandin } from "./k0s-standin/install";
import { labInventory } from "./lab-inventory";
import { type SshLab, startSshLab } from "./ssh-hosts";

export const STANDIN_LAB_VERSION = "1.32.8";

export interface StandinInventory {
  lab: SshLab;
  dir: string;
  db: Database;
  key: SecretKey;
  /** closes the database, removes the data folder, stops the lab */
  stop(): Promise<void>;
}

/**
 * Test hosts running the k0s stand-in, and a console inventory (no nodes yet) whose fleet
 * settings mirror `registries` through the lab registry: what the run tests start from.
 */
export async function startStandinInventory(options: {
  hosts: string[];
  prefix: string;
  registries: string[];
}): Promise<StandinInventory> {
  const lab = await startSshLab({
    hosts: options.hosts.map((name) => ({ name })),
    seed: [...new Set([...LAB_SEED, ...standinSeed(STANDIN_LAB_VERSION)])],
  });
  await Promise.all(
    lab.hosts.map((host) => installK0sStandin(lab, host, { version: STANDIN_LAB_VERSION })),
  );
  const { dir, db, key } = labInventory(options.prefix);
  putFleetSettings({
    db,
    settings: {
      k0sVersion: STANDIN_LAB_VERSION,
      registries: options.registries,
      mirror: { address: lab.registryAddress ?? "", scheme: "http", layout: "flat" },
    },
  });
  return {
    lab,
    dir,
    db,
    key,
    async stop() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      await lab.stop();
    },
  };
}
