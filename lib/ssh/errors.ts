/** Every SSH failure a user meets, as one typed error with a message written for them. */
export type SshErrorKind =
  | "refused"
  | "timeout"
  | "unreachable"
  | "auth"
  | "passphrase"
  | "host-key-unknown"
  | "host-key-changed"
  | "host-key-mismatch"
  | "disconnected"
  | "command-timeout"
  | "command-failed"
  | "sudo-password-needed"
  | "sudo-password-wrong"
  | "sudo-missing";

export class SshError extends Error {
  constructor(
    readonly kind: SshErrorKind,
    /** host:port the error is about */
    readonly target: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "SshError";
  }
}

/** The last lines of a command's stderr, enough to explain a failure in one glance. */
export function stderrTail(stderr: string, lines = 5): string {
  return stderr.trimEnd().split("\n").slice(-lines).join("\n");
}
