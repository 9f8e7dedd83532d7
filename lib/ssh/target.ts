/** How the console names an SSH target everywhere: "user@host:port", IPv6 in brackets. Pure. */
export function sshTarget(user: string, host: string, port: number): string {
  return `${user}@${host.includes(":") ? `[${host}]` : host}:${port}`;
}
