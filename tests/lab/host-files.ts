import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import type { SshHost } from "./ssh-hosts";

/** Every file under `hostDir` on a test host, as host paths. */
export function hostFiles(host: SshHost, hostDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, shown: string) => {
    if (!existsSync(dir)) return;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name), `${shown}/${entry.name}`);
      else found.push(`${shown}/${entry.name}`);
    }
  };
  walk(host.path(hostDir), hostDir);
  return found;
}

/** The console's temporary files (`….k0s-console.<token>.tmp`) under the host's /etc/k0s. */
export const consoleTempFiles = (host: SshHost) =>
  hostFiles(host, "/etc/k0s").filter((file) => file.includes(".k0s-console."));
