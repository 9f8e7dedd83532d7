import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import type { SshSession } from "@/lib/ssh/client";
import { encodeRequest, parseResponseHead, type WireRequest } from "./http-wire";

export interface TlsSettings {
  caPem: string | null;
  skipVerify: boolean;
}

export interface NodeHttpResult {
  status: number;
  statusLine: string;
}

const TIMEOUT_MS = 10_000;

/**
 * An HTTP request made FROM the node: the TCP connection is an SSH channel the node's sshd opens,
 * so it proves what the node can reach, without curl on the node.
 */
export async function nodeHttpRequest(
  session: SshSession,
  request: WireRequest,
  tls: TlsSettings,
): Promise<NodeHttpResult> {
  const port = Number(request.url.port || (request.url.protocol === "https:" ? 443 : 80));
  const host = request.url.hostname.replace(/^\[|\]$/g, "");
  const channel = await session.forwardOut(host, port);
  const stream: Duplex =
    request.url.protocol === "https:"
      ? tlsConnect({
          socket: channel,
          servername: /^[\d.]+$|:/.test(host) ? undefined : host,
          ca: tls.caPem ?? undefined,
          rejectUnauthorized: !tls.skipVerify,
        })
      : channel;
  return exchange(stream, encodeRequest(request));
}

function exchange(stream: Duplex, request: string): Promise<NodeHttpResult> {
  return new Promise((resolve, reject) => {
    let received = "";
    const done = (error: Error | null, result?: NodeHttpResult) => {
      clearTimeout(timer);
      stream.destroy();
      if (error) reject(error);
      else if (result) resolve(result);
    };
    const timer = setTimeout(
      () => done(new Error(`no answer within ${TIMEOUT_MS / 1000} s`)),
      TIMEOUT_MS,
    );
    stream.on("data", (chunk: Buffer) => {
      received += chunk.toString("latin1");
      try {
        const head = parseResponseHead(received);
        if (head) done(null, head);
      } catch (error) {
        done(error as Error);
      }
    });
    stream.on("error", (error: Error) => done(error));
    stream.on("close", () =>
      done(
        new Error(
          received
            ? "the connection closed mid-response"
            : "the connection closed without an answer",
        ),
      ),
    );
    stream.write(request);
  });
}
