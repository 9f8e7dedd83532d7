import { type RunningConsole, startConsole } from "../lab/console-server";
import { LAB_SEED } from "../lab/images";
import { standinSeed } from "../lab/k0s-standin/images";
import { installK0sStandin } from "../lab/k0s-standin/install";
import { type SshLab, startSshLab } from "../lab/ssh-hosts";

export const STANDIN_VERSION = "1.32.8";

/**
 * Test hosts running the k0s stand-in, a started console whose fleet settings point at the
 * lab registry, and one node per host (`single` unless `roles` says otherwise; trusted by its
 * known fingerprint), checked and ready for an apply.
 */
export async function startStandinFleet(
  names: string[],
  roles: Record<string, "controller" | "controller+worker" | "worker" | "single"> = {},
): Promise<{ lab: SshLab; server: RunningConsole }> {
  const lab = await startSshLab({
    hosts: names.map((name) => ({ name })),
    seed: [...new Set([...LAB_SEED, ...standinSeed(STANDIN_VERSION)])],
  });
  await Promise.all(
    lab.hosts.map((host) => installK0sStandin(lab, host, { version: STANDIN_VERSION })),
  );
  const server = await startConsole();
  const send = sender(server);
  await send("/api/settings", "PUT", {
    k0sVersion: STANDIN_VERSION,
    registries: ["registry.k8s.io", "quay.io"],
    mirror: { address: lab.registryAddress, scheme: "http" },
  });
  for (const host of lab.hosts) {
    await send("/api/nodes", "POST", {
      name: host.name,
      address: host.address,
      role: roles[host.name] ?? "single",
      auth: { kind: "key", privateKey: lab.keys.ed25519.privateKey },
      expectedFingerprint: host.fingerprint,
    });
  }
  await checkNodes(server, "all");
  return { lab, server };
}

/** JSON calls to the console with its token; a status other than 2xx throws. */
function sender(server: RunningConsole) {
  return async (route: string, method: string, body: unknown) => {
    const response = await fetch(`${server.url}${route}`, {
      method,
      headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (!response.ok)
      throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
    return (await response.json()) as unknown;
  };
}

/** Runs the checks on `nodes` (again) and makes them pass (see passChecks). */
export async function checkNodes(server: RunningConsole, nodes: string[] | "all"): Promise<void> {
  const send = sender(server);
  await passChecks(send, await send("/api/checks", "POST", { nodes }));
}

/**
 * Makes every node ready for an apply: the checks ran, and what fails on a test host (sshd as PID
 * 1: no init system) is overridden with a reason, as a person would on the Fleet page.
 */
async function passChecks(
  send: (route: string, method: string, body: unknown) => Promise<unknown>,
  checked: unknown,
): Promise<void> {
  const { results } = checked as { results: { node: string; check: string; status: string }[] };
  for (const result of results.filter((each) => each.status === "fail")) {
    await send("/api/checks/overrides", "POST", {
      node: result.node,
      check: result.check,
      reason: "test host: sshd runs as PID 1",
    });
  }
}
