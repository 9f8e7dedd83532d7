import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";
import { unifiedDiff } from "@/lib/runs/diff";

test("equal texts have no diff", () => {
  assert.equal(unifiedDiff("a\nb\n", "a\nb\n", "/etc/k0s/x"), "");
});

test("a new file is all additions from /dev/null", () => {
  assert.equal(
    unifiedDiff("", "a\nb\n", "/etc/k0s/x"),
    "--- /dev/null\n+++ b/etc/k0s/x\n@@ -0,0 +1,2 @@\n+a\n+b",
  );
});

/** The diff must be a patch GNU patch accepts and that turns the old text into the new one. */
function applies(oldText: string, newText: string) {
  const dir = mkdtempSync(path.join(tmpdir(), "diff-"));
  try {
    writeFileSync(path.join(dir, "file"), oldText);
    const diff = unifiedDiff(oldText, newText, "/file");
    writeFileSync(path.join(dir, "change.diff"), `${diff}\n`);
    execFileSync("patch", ["-s", "-p1", "-i", "change.diff"], { cwd: dir });
    assert.equal(execFileSync("cat", [path.join(dir, "file")]).toString(), newText);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test("changes far apart make separate hunks that patch(1) applies", () => {
  const old = Array.from({ length: 40 }, (_, i) => `line ${i}`);
  const changed = old.map((line, i) => (i === 3 ? "changed 3" : i === 30 ? "changed 30" : line));
  changed.splice(20, 1);
  const diff = unifiedDiff(`${old.join("\n")}\n`, `${changed.join("\n")}\n`, "/file");
  assert.equal((diff.match(/^@@/gm) ?? []).length, 3);
  applies(`${old.join("\n")}\n`, `${changed.join("\n")}\n`);
});

test("hosts.toml style edits round-trip through patch(1)", () => {
  applies(
    'server = "https://quay.io"\n\n[host."http://10.0.0.5:5000"]\ncapabilities = [ "pull", "resolve" ]\n',
    '# Managed\nserver = "http://10.0.0.5:5000"\ncapabilities = [ "pull", "resolve" ]\n\n[host."http://10.0.0.5:5000"]\ncapabilities = [ "pull", "resolve" ]\n',
  );
});
