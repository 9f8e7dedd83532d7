import { consoleInventory } from "@/lib/inventory/console-inventory";
import type { Database } from "@/lib/inventory/db";
import type { SecretKey } from "@/lib/inventory/secrets";
import { markInterruptedRuns } from "./store";

const RECOVERED = Symbol.for("k0rdent-console.runs-recovered");
type Holder = { [RECOVERED]?: boolean };

/**
 * The database for run routes. The first use in a process marks runs a previous console process
 * left running as interrupted: nothing can resume them, and they must not look alive.
 */
export function consoleRuns(): { db: Database; key: SecretKey } {
  const inventory = consoleInventory();
  const holder = globalThis as unknown as Holder;
  if (!holder[RECOVERED]) {
    markInterruptedRuns({ db: inventory.db });
    holder[RECOVERED] = true;
  }
  return inventory;
}
