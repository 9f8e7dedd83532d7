/** Rollback (a chosen run's backups back in place) and reset (k0s reset plus the files the console wrote). */
import { JOIN_TOKEN_PATH } from "@/lib/render/install-steps";
import { SshError } from "@/lib/ssh/errors";
import { shellCommand } from "@/lib/ssh/quote";
import { backupDirFor, describeFileExit, parseScriptResult, restoreScript } from "./file-commands";
import { type NodeJob, shellOf } from "./node-job";
import { runLogged } from "./run-log";
import type { FileOutcome } from "./write-files";

/** Puts back what run `fromRun` changed on this node: updated files from its backup, created ones removed. */
export async function rollbackNode(
  job: NodeJob,
  fromRun: string,
  outcomes: FileOutcome[] | null,
): Promise<void> {
  if (!outcomes)
    throw new Error(`run ${fromRun} wrote no files on ${job.node.name}: nothing to roll back`);
  const changed = outcomes.filter((outcome) => outcome.status !== "unchanged");
  await job.stages.run("restore files", async () => {
    const backupDir = backupDirFor(fromRun);
    for (const outcome of changed) {
      const whenNoBackup = outcome.status === "created" ? "remove" : "fail";
      job.log(
        "cmd",
        `${whenNoBackup === "remove" ? "remove" : "restore"} ${outcome.path} (from run ${fromRun})`,
      );
      const result = await shellOf(job).run(
        restoreScript({ path: outcome.path, backupDir, whenNoBackup }),
      );
      if (result.code !== 0)
        throw new SshError(
          "command-failed",
          shellOf(job).session.target,
          `restoring ${outcome.path}: ${describeFileExit(result.code)}${result.stderr.trim() ? ` (${result.stderr.trim()})` : ""}`,
        );
      job.log("info", `${parseScriptResult(result.stdout)?.status ?? "done"} ${outcome.path}`);
    }
    if (changed.length === 0) job.log("info", `run ${fromRun} changed no file here`);
  });
}

/**
 * Stops k0s, runs `k0s reset`, then removes the files the console wrote: `k0s reset` leaves
 * /etc/k0s behind, and a stale drop-in would shape the next install. Backups are kept.
 */
export async function resetNode(job: NodeJob, paths: string[]): Promise<void> {
  await job.stages.run("stop and reset k0s", async () => {
    const state = await shellOf(job).run(
      "command -v k0s >/dev/null 2>&1 && echo present || echo absent",
    );
    if (state.stdout.trim() === "absent") {
      job.log("info", "no k0s binary here: nothing to reset");
      return;
    }
    job.log("cmd", "k0s stop");
    const stop = await shellOf(job).run("k0s stop");
    job.log(
      stop.code === 0 ? "info" : "stderr",
      stop.code === 0 ? "k0s stopped" : stop.stderr.trim() || "k0s was not running",
    );
    await runLogged(shellOf(job), job.log, "k0s reset");
  });
  await job.stages.run("remove console files", async () => {
    // with a join token an interrupted install could not remove
    const targets = [...paths.filter((path) => path.startsWith("/etc/k0s/")), JOIN_TOKEN_PATH];
    const removeEmptyDirs =
      "rmdir /etc/k0s/containerd.d/certs.d/* /etc/k0s/containerd.d/certs.d /etc/k0s/containerd.d 2>/dev/null; true";
    await runLogged(
      shellOf(job),
      job.log,
      `${shellCommand(["rm", "-f", "--", ...targets])} && ${removeEmptyDirs}`,
      {
        echo: `rm -f ${targets.length} files under /etc/k0s (backups in /etc/k0s/.backup are kept)`,
      },
    );
  });
}
