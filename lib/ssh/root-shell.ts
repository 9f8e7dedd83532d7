import type { ExecOptions, ExecResult, SshSession } from "./client";
import { SshError, stderrTail } from "./errors";
import { asRoot, type Privilege, sudoProblem } from "./privilege";

const SUDO_MESSAGES = {
  "sudo-password-needed":
    "sudo asks for a password: store the sudo password for this node, or have it asked at run time",
  "sudo-password-wrong": "sudo refused the password: check the sudo password for this node",
  "sudo-missing": "the user is not root and sudo is not installed on the node",
} as const;

/** Runs scripts as root on one node over an open session, through sudo when the user is not root. */
export class RootShell {
  constructor(
    readonly session: SshSession,
    readonly privilege: Privilege,
    /** kept in memory only for the life of this shell when asked at run time */
    private readonly sudoPassword: string | null = null,
  ) {}

  /** Runs `script` as root; sudo's own failures become SshErrors, the script's exit code is returned. */
  async run(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    const stdin =
      this.privilege === "sudo-password"
        ? withPasswordLine(this.sudoPassword ?? "", options.stdin)
        : options.stdin;
    const result = await this.session.exec(asRoot(script, this.privilege), { ...options, stdin });
    const problem = sudoProblem(this.privilege, result.code, result.stderr);
    if (problem)
      throw new SshError(problem, this.session.target, SUDO_MESSAGES[problem], {
        stderr: stderrTail(result.stderr),
      });
    return result;
  }

  /** Like run(), but a non-zero exit is an error with its code and the tail of stderr. */
  async check(script: string, options: ExecOptions = {}): Promise<ExecResult> {
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
}

/** sudo -S reads the password from the first line of stdin; the command's own stdin follows. */
function withPasswordLine(password: string, stdin: string | Buffer | undefined): string | Buffer {
  if (Buffer.isBuffer(stdin)) return Buffer.concat([Buffer.from(`${password}\n`), stdin]);
  return `${password}\n${stdin ?? ""}`;
}
