/**
 * The admin kubeconfig of a cluster an apply brought up: `k0s kubeconfig admin` on its
 * controller through the node's root shell, with the server set to the controller's address.
 * A secret: read when asked, handed to the caller, never logged, never kept.
 */
import { AppError } from "@/lib/errors";
import { nodeAccess } from "@/lib/fleet/node-access";
import type { Database } from "@/lib/inventory/db";
import { nodeConnection } from "@/lib/inventory/node-connection";
import { listNodes } from "@/lib/inventory/nodes";
import type { SecretKey } from "@/lib/inventory/secrets";
import { SshSession } from "@/lib/ssh/client";
import { RootShell } from "@/lib/ssh/root-shell";
import { type ClusterUp, clustersUp, withServer } from "./cluster-end";
import { getRun } from "./store";

/** Which cluster of the run: `node` names its controller; the first one up by default. */
export function clusterOfRun(db: Database, runId: string, node?: string): ClusterUp {
  const run = getRun({ db, id: runId });
  if (!run) throw new AppError("not_found:run", `no run ${runId}`);
  const clusters = clustersUp(run, listNodes({ db }));
  const cluster = node ? clusters.find((each) => each.controller === node) : clusters[0];
  if (cluster) return cluster;
  throw new AppError(
    "conflict:kubeconfig",
    node
      ? `run ${runId} did not bring up a cluster on ${node}: name the initial controller or a single node it succeeded on`
      : `run ${runId} brought no cluster up: only an apply that succeeded on the initial controller (or on a single node) has a kubeconfig to offer`,
  );
}

/**
 * Reads it from the controller; `sudoPassword` is the one asked for a controller whose sudo
 * password is asked at run time (used for this one read, never kept).
 */
export async function adminKubeconfig({
  db,
  key,
  cluster,
  sudoPassword,
}: {
  db: Database;
  key: SecretKey;
  cluster: ClusterUp;
  sudoPassword?: string;
}): Promise<string> {
  const access = nodeAccess(nodeConnection({ db, key, name: cluster.controller }), sudoPassword);
  if (!access.ok)
    throw new AppError("conflict:kubeconfig", `${cluster.controller}: ${access.reason}`);
  if (!access.endpoint.hostKey.pinned)
    throw new AppError(
      "conflict:kubeconfig",
      `${cluster.controller}: its host key is not trusted yet: trust it on the Fleet page first`,
    );
  const session = await SshSession.open(access.endpoint, {
    bastion: access.bastion ?? undefined,
  });
  try {
    const shell = new RootShell(session, access.privilege, access.sudoPassword);
    const { stdout } = await shell.check("k0s kubeconfig admin");
    if (!/^\s*server:/m.test(stdout))
      throw new AppError(
        "upstream:kubeconfig",
        `${cluster.controller}: k0s kubeconfig admin printed no kubeconfig`,
      );
    return withServer(stdout, cluster.server);
  } finally {
    session.close();
  }
}
