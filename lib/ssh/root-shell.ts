import { randomBytes } from "node:crypto";
import type { ExecInput, ExecOptions, ExecResult, SshSession, StdinData } from "./client";
import { SshError, stderrTail } from "./errors";
import { asRoot, type Privilege, type SudoHandshake, sudoProblem } from "./privilege";

const SUDO_MESSAGES = {
  "sudo-password-needed":
    "sudo asks for a password: store the sudo password for this node, or have it asked at run time",
  "sudo-password-wrong": "sudo refused the password: check the sudo password for this node",
  "sudo-missing": "the user is not root and sudo is not installed on the node",
} as const;

/** What a root command is given: its stdin is plain bytes or a stream (the shell decides when to send them). */
export type RootExecOptions = Omit<ExecOptions, "stdin"> & { stdin?: StdinData };

/** Runs scripts as root on one node over an open session, through sudo when the user is not root. */
export class RootShell {
  constructor(
    readonly session: SshSession,
    readonly privilege: Privilege,
    /** kept in memory only for the life of this shell when asked at run time */
    private readonly sudoPassword: string | null = null,
  ) {}

  /** Runs `script` as root; sudo's own failures become SshErrors, the script's exit code is returned. */
  async run(script: string, options: RootExecOptions = {}): Promise<ExecResult> {
    const { result, sudoDone } =
      this.privilege === "sudo-password"
        ? await this.runWithPassword(script, options)
        : {
            result: await this.session.exec(asRoot(script, this.privilege), options),
            sudoDone: false,
          };
    const problem = sudoDone ? null : sudoProblem(this.privilege, result.code, result.stderr);
    if (problem)
      throw new SshError(problem, this.session.target, SUDO_MESSAGES[problem], {
        stderr: stderrTail(result.stderr),
      });
    return result;
  }

  /** Like run(), but a non-zero exit is an error with its code and the tail of stderr. */
  async check(script: string, options: RootExecOptions = {}): Promise<ExecResult> {
    const result = await this.run(script, options);
    if (result.code !== 0) {
      throw new SshError(
        "command-failed",
        this.session.target,
        `exit code ${result.code ?? result.signal}: ${stderrTail(result.stderr) || "(no stderr)"}`,
        {
          code: result.code,
          stderr: stderrTail(result.stderr),
        },
      );
    }
    return result;
  }

  /**
   * `sudo -S` with the password kept apart from the command's input: the password is written only
   * when sudo prints this command's prompt (never when sudo does not ask: NOPASSWD, a cached
   * login), and only once (a second prompt means it was refused: stdin is closed, so sudo gives
   * up instead of reading anything else as a password). The command's own stdin is sent only
   * after the root shell announced itself, i.e. once sudo is done reading.
   */
  private async runWithPassword(
    script: string,
    options: RootExecOptions,
  ): Promise<{ result: ExecResult; sudoDone: boolean }> {
    const handshake: SudoHandshake = {
      prompt: `[k0s-console sudo ${randomBytes(9).toString("base64url")}]`,
      ready: `k0s-console-root ${randomBytes(9).toString("base64url")}`,
    };
    const gate = sudoGate(handshake, this.sudoPassword, options);
    const result = await this.session.exec(asRoot(script, this.privilege, handshake), {
      ...options,
      stdin: gate.stdin,
      onStdout: gate.onStdout,
      onStderr: gate.onStderr,
    });
    return { result: gate.finish(result), sudoDone: gate.sudoDone() };
  }
}

/** The state of one `sudo -S` handshake (see RootShell.runWithPassword). */
function sudoGate(handshake: SudoHandshake, password: string | null, options: RootExecOptions) {
  const readyLine = `${handshake.ready}\n`;
  let input: ExecInput | null = null;
  let ended = false;
  let prompts = 0;
  let sudoStderr = "";
  let early = ""; // stdout before the ready line is complete
  let ready = false;
  const end = (data?: StdinData) => {
    if (ended || !input) return;
    ended = true;
    input.end(data);
  };
  return {
    stdin: (opened: ExecInput) => {
      input = opened;
    },
    onStderr: (chunk: string) => {
      if (ready) return options.onStderr?.(chunk);
      sudoStderr += chunk;
      const seen = sudoStderr.split(handshake.prompt).length - 1;
      if (seen === prompts) return;
      prompts = seen;
      if (prompts === 1 && password !== null) input?.write(`${password}\n`);
      else end();
    },
    onStdout: (chunk: string) => {
      if (ready) return options.onStdout?.(chunk);
      early += chunk;
      const at = early.indexOf(readyLine);
      if (at === -1) return;
      ready = true;
      const rest = early.slice(at + readyLine.length);
      early = "";
      end(options.stdin ?? "");
      if (rest) options.onStdout?.(rest);
    },
    sudoDone: () => ready,
    /** the result as the script produced it: without the handshake's words */
    finish(result: ExecResult): ExecResult {
      const at = result.stdout.indexOf(readyLine);
      return {
        ...result,
        stdout: at === -1 ? "" : result.stdout.slice(at + readyLine.length),
        stderr: result.stderr.replaceAll(handshake.prompt, ""),
      };
    },
  };
}
