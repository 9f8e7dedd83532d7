import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { shellCommand, shellQuote } from "@/lib/ssh/quote";

const work = mkdtempSync(path.join(tmpdir(), "quote-"));
const mark = path.join(work, "MARK");
after(() => rmSync(work, { recursive: true, force: true }));

const payloads = [
  `$(touch ${mark})`,
  `\`touch ${mark}\``,
  `; touch ${mark}`,
  `x; touch ${mark}`,
  `&& touch ${mark}`,
  `| touch ${mark}`,
  `'; touch ${mark}; '`,
  `"; touch ${mark}; "`,
  `\nline two; touch ${mark}`,
  `$HOME \${IFS} * ? [a] ~`,
  "it's",
  "",
  " ",
  "-n",
  "a\\b",
  "ünïcødé",
];

describe("shellQuote through a real shell", () => {
  for (const payload of payloads) {
    test(`${JSON.stringify(payload)} arrives as one unchanged argument`, () => {
      const script = `printf '%s\\0' ${shellQuote(payload)}`;
      const output = execFileSync("sh", ["-c", script], { cwd: work }).toString();
      assert.equal(output, `${payload}\0`);
      assert.equal(existsSync(mark), false, "the payload ran a command");
    });
  }

  test("shellCommand quotes each argument separately", () => {
    const argv = ["printf", "%s|", ...payloads];
    const output = execFileSync("sh", ["-c", shellCommand(argv)], { cwd: work }).toString();
    assert.equal(output, payloads.map((payload) => `${payload}|`).join(""));
    assert.equal(existsSync(mark), false);
  });

  test("safe words stay readable", () => {
    assert.equal(
      shellCommand(["k0s", "install", "--token-file", "/etc/k0s/join-token"]),
      "k0s install --token-file /etc/k0s/join-token",
    );
  });
});
