import { shellQuote } from "./quote";

/** How commands become root on a node: already root, passwordless sudo, or sudo with a password on stdin. */
export type Privilege = "root" | "sudo" | "sudo-password";

/**
 * The command line that runs `script` as root. `sudo -n` fails fast instead of prompting; with a
 * password, `-S -p ''` reads it from the first line of stdin without printing a prompt.
 */
export function asRoot(script: string, privilege: Privilege): string {
  const shell = `sh -c ${shellQuote(script)}`;
  if (privilege === "root") return shell;
  if (privilege === "sudo") return `sudo -n -- ${shell}`;
  return `sudo -S -p '' -- ${shell}`;
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
  if (/a password is required|a terminal is required/.test(stderr)) return "sudo-password-needed";
  if (/incorrect password attempt|Sorry, try again/.test(stderr)) return "sudo-password-wrong";
  return null;
}
