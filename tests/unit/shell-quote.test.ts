import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, describe, test } from "node:test";
import { asRoot, sudoProblem } from "@/lib/ssh/privilege";
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

describe("asRoot wraps a script once more, still as one argument", () => {
  for (const payload of payloads) {
    test(`${JSON.stringify(payload)} survives the extra sh -c`, () => {
      const script = shellCommand(["printf", "%s\\0", payload]);
      const output = execFileSync("sh", ["-c", asRoot(script, "root")], { cwd: work }).toString();
      assert.equal(output, `${payload}\0`);
      assert.equal(existsSync(mark), false, "the payload ran a command");
    });
  }

  test("sudo forms: -n fails fast without a password, -S prompts with the handshake's word", () => {
    assert.match(asRoot("id -u", "sudo"), /^sudo -n -- sh -c /);
    const handshake = { prompt: "[ask 1]", ready: "root 2" };
    assert.match(asRoot("id -u", "sudo-password", handshake), /^sudo -S -p '\[ask 1\]' -- sh -c /);
    assert.throws(() => asRoot("id -u", "sudo-password"), /handshake/);
  });

  test("the root shell announces itself before the script runs, and the script is intact", () => {
    const handshake = { prompt: "[ask]", ready: "ready 'x'" };
    const line = asRoot(
      shellCommand(["printf", "%s\\0", payloads[6] ?? ""]),
      "sudo-password",
      handshake,
    );
    // run the words after "sudo ... --" with the local sh: what sudo would run as root
    const asSh = line.replace(/^sudo -S -p '\[ask\]' -- /, "");
    const output = execFileSync("sh", ["-c", asSh], { cwd: work }).toString();
    assert.equal(output, `ready 'x'\n${payloads[6]}\0`);
    assert.equal(existsSync(mark), false);
  });

  test("sudo's own failures are told apart from the script's", () => {
    assert.equal(sudoProblem("sudo", 1, "sudo: a password is required\n"), "sudo-password-needed");
    assert.equal(
      sudoProblem("sudo-password", 1, "Sorry, try again.\nsudo: 1 incorrect password attempt\n"),
      "sudo-password-wrong",
    );
    assert.equal(
      sudoProblem("sudo-password", 1, "Sorry, try again.\nsudo: no password was provided\n"),
      "sudo-password-wrong",
      "a refused password, then stdin closed",
    );
    assert.equal(
      sudoProblem("sudo-password", 1, "sudo: no password was provided\n"),
      "sudo-password-needed",
    );
    assert.equal(sudoProblem("sudo", 127, "sh: 1: sudo: not found\n"), "sudo-missing");
    assert.equal(sudoProblem("sudo", 1, "grep: no match\n"), null);
    assert.equal(sudoProblem("root", 1, "a password is required"), null);
  });
});
