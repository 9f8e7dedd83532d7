/** OpenSSH jump host specs ([user@]host[:port], IPv6 in brackets), used by CSV and Ansible. */
import { shellWords } from "./shell-words";

export interface JumpHost {
  address: string;
  port?: number;
  user?: string;
}

export function parseJumpHost(spec: string): JumpHost | { error: string } {
  const text = spec.trim().replace(/^ssh:\/\//, "");
  if (text.includes(",")) return { error: `"${spec}": only one jump host is supported` };
  const match = /^(?:([^@\s]+)@)?(\[[^\]]+\]|[^:@\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  if (!match?.[2]) return { error: `"${spec}" is not [user@]host[:port]` };
  const jump: JumpHost = { address: match[2].replace(/^\[|\]$/g, "") };
  if (match[3]) jump.port = Number(match[3]);
  if (match[1]) jump.user = match[1];
  return jump;
}

export function formatJumpHost(jump: { address: string; port: number; user: string }): string {
  const host = jump.address.includes(":") ? `[${jump.address}]` : jump.address;
  return `${jump.user}@${host}${jump.port === 22 ? "" : `:${jump.port}`}`;
}

/** The ProxyJump in ssh arguments (-J x, -Jx, -o ProxyJump=x, -o "ProxyJump x"), if any. */
export function proxyJumpInArgs(args: string): string | undefined {
  const words = shellWords(args).words;
  for (let index = 0; index < words.length; index++) {
    const word = words[index] as string;
    if (word === "-J") return words[index + 1];
    if (word.startsWith("-J")) return word.slice(2);
    const option = word === "-o" ? words[index + 1] : word.startsWith("-o") ? word.slice(2) : "";
    const jump = /^proxyjump(?:\s*=\s*|\s+)(.+)$/i.exec(option ?? "");
    if (jump?.[1]) return jump[1].trim();
  }
  return undefined;
}

export function hasProxyCommand(args: string): boolean {
  return /proxycommand/i.test(args);
}
