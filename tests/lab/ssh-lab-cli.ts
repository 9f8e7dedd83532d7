/**
 * Start an ssh lab by hand and keep it up until Ctrl-C (SIGINT/SIGTERM stop it cleanly):
 *   npx tsx tests/lab/ssh-lab-cli.ts [HOSTS=3] [--behind]
 * `--behind` puts one extra host (inner-01) behind node-01. Prints one JSON line describing the
 * lab once it is up (the self-test also uses this to leave a crashed run behind: SIGKILL).
 */
import { startSshLab } from "./ssh-hosts";

async function main() {
  const count = Number(process.argv[2] ?? 3);
  if (!Number.isInteger(count) || count < 1) throw new Error(`bad host count ${process.argv[2]}`);
  const behind = process.argv.includes("--behind");
  const lab = await startSshLab({
    hosts: [
      ...Array.from({ length: count }, () => ({})),
      ...(behind ? [{ name: "inner-01", behind: "node-01" }] : []),
    ],
  });
  const shutdown = () => {
    lab.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  console.log(
    JSON.stringify({
      runId: lab.run.id,
      stateDir: lab.run.dir,
      bridge: lab.bridge,
      subnet: lab.subnet,
      registry: lab.registryAddress,
      sshConfig: lab.sshConfig,
      keys: Object.fromEntries(Object.values(lab.keys).map((key) => [key.name, key.path])),
      hosts: lab.hosts.map((host) => ({
        name: host.name,
        address: host.address,
        netns: host.netns,
        bastion: host.bastion?.address,
        fingerprint: host.fingerprint,
        pid1: host.pid1(),
      })),
    }),
  );
  // keep running until a signal arrives
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
