import { shellQuote } from "./quote";

/** How commands become root on a node: already root, passwordless sudo, or sudo with a password. */
export type Privilege = "root" | "sudo" | "sudo-password";

/**
 * The words of a sudo handshake (random per command): sudo writes `prompt` to stderr when, and
 * only when, it wants the password; the root shell prints `ready` on stdout as its first line, so
 * the console knows sudo is done with stdin before it sends the command's own input.
 */
export interface SudoHandshake {
  prompt: string;
  ready: string;
}

/**
 * The command line that runs `script` as root. `sudo -n` fails fast instead of prompting; with a
 * password, `-S -p <prompt>` reads it from stdin after printing the handshake's prompt, and the
 * root shell announces itself before running the script (see RootShell).
 */
export function asRoot(script: string, privilege: Privilege, handshake?: SudoHandshake): string {
  if (privilege === "root") return `sh -c ${shellQuote(script)}`;
  if (privilege === "sudo") return `sudo -n -- sh -c ${shellQuote(script)}`;
  if (!handshake) throw new Error("sudo with a password needs a handshake");
  const announced = `printf '%s\\n' ${shellQuote(handshake.ready)}\n${script}`;
  return `sudo -S -p ${shellQuote(handshake.prompt)} -- sh -c ${shellQuote(announced)}`;
}

export type SudoProblem = "sudo-password-needed" | "sudo-password-wrong" | "sudo-missing" | null;

/** Recognises sudo's own failures in a command's stderr (so they are not blamed on the command). */
export function sudoProblem(
  privilege: Privilege,
  exitCode: number | null,
  stderr: string,
): SudoProblem {
  if (privilege === "root" || exitCode === 0) return null;
  if (exitCode === 127 && /sudo: (command )?not found|sudo: No such file/.test(stderr))
    return "sudo-missing";
  // checked first: a refused password ends with "no password was provided" when none is sent again
  if (/incorrect password attempt|Sorry, try again/.test(stderr)) return "sudo-password-wrong";
  if (/a password is required|a terminal is required|no password was provided/.test(stderr))
    return "sudo-password-needed";
  return null;
}
