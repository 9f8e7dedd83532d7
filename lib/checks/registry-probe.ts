import type { RenderedFile } from "@/lib/render/types";
import type { SshSession } from "@/lib/ssh/client";
import { SshError } from "@/lib/ssh/errors";
import { type CheckDraft, draft } from "./evaluate-node";
import { fallbackHttpCommand, parseFallbackOutput } from "./http-fallback";
import type { WireRequest } from "./http-wire";
import { type ImageLocator, MANIFEST_ACCEPT, mirrorRequestFor } from "./mirror-request";
import { nodeHttpRequest, type TlsSettings } from "./node-http";

export interface RegistryProbeInput {
  /** host:port this node uses for the registry */
  registryAddress: string;
  scheme: "http" | "https";
  tls: TlsSettings;
  /** the node's rendered files: requests follow its hosts.toml exactly */
  files: RenderedFile[];
  sample: ImageLocator[];
}

type Answer = { status: number; via: string } | { error: string };

/** Asks the registry from the node itself: /v2/ first, then each sampled image as containerd would. */
export async function probeRegistry(
  session: SshSession,
  input: RegistryProbeInput,
): Promise<CheckDraft[]> {
  const ask = requester(session, input.tls);
  const root = new URL(`${input.scheme}://${input.registryAddress}/v2/`);
  const answer = await ask({ method: "GET", url: root });
  const title = "Registry reachable from the node";
  if ("error" in answer) {
    return [
      draft(
        "registry.reachable",
        title,
        "fail",
        `the node cannot reach ${input.registryAddress}: ${answer.error}`,
        `GET ${root}`,
      ),
    ];
  }
  const evidence = `GET ${root} → ${answer.status} (${answer.via})`;
  if (answer.status !== 200 && answer.status !== 401) {
    return [
      draft(
        "registry.reachable",
        title,
        "fail",
        `${root} answered ${answer.status}: not an OCI registry API root`,
        evidence,
      ),
    ];
  }
  return [
    draft("registry.reachable", title, "pass", `${root} answers ${answer.status}`, evidence),
    await probeImages(ask, input),
  ];
}

async function probeImages(
  ask: (request: WireRequest) => Promise<Answer>,
  input: RegistryProbeInput,
): Promise<CheckDraft> {
  const title = "k0s and catalog images resolve through the mirror";
  if (input.sample.length === 0)
    return draft(
      "registry.images",
      title,
      "warn",
      "no image to check: the k0s version is not in the built-in table and no catalog is uploaded",
    );
  const lines: string[] = [];
  const problems: string[] = [];
  for (const image of input.sample) {
    const name = `${image.registry}/${image.repository}:${image.tag ?? image.digest ?? "latest"}`;
    const request = mirrorRequestFor(image, input.files);
    if (!request) {
      problems.push(
        `${name}: no mirror entry for ${image.registry}; containerd would pull it from the upstream`,
      );
      lines.push(`${name} → no hosts.toml for ${image.registry}`);
      continue;
    }
    const answer = await ask({
      method: "HEAD",
      url: new URL(request.url),
      headers: { Accept: MANIFEST_ACCEPT },
    });
    const outcome = "error" in answer ? answer.error : String(answer.status);
    lines.push(`HEAD ${request.url} → ${outcome}`);
    if ("error" in answer || answer.status !== 200)
      problems.push(`HEAD ${request.url} → ${outcome}`);
  }
  const evidence = lines.join("\n");
  if (problems.length === 0) {
    return draft(
      "registry.images",
      title,
      "pass",
      `all ${input.sample.length} sampled images resolve through the mirror`,
      evidence,
    );
  }
  return draft(
    "registry.images",
    title,
    "fail",
    `${problems.length} of ${input.sample.length} sampled images missing: ${problems[0]}`,
    evidence,
  );
}

/** Requests through an SSH channel from the node; if the node forbids forwarding, through curl/wget there. */
function requester(
  session: SshSession,
  tls: TlsSettings,
): (request: WireRequest) => Promise<Answer> {
  let forwardingDisabled = false;
  return async (request) => {
    if (!forwardingDisabled) {
      try {
        const result = await nodeHttpRequest(session, request, tls);
        return { status: result.status, via: "SSH channel from the node" };
      } catch (error) {
        if (!(error instanceof SshError && error.details.forwardingDisabled)) {
          const why = error instanceof SshError ? error.details.why : undefined;
          return { error: typeof why === "string" ? why : (error as Error).message };
        }
        forwardingDisabled = true;
      }
    }
    const command = fallbackHttpCommand(request, {
      hasCa: tls.caPem !== null,
      skipVerify: tls.skipVerify,
    });
    const result = await session.exec(command, { stdin: tls.caPem ?? "", timeoutMs: 20_000 });
    const parsed = parseFallbackOutput(result.stdout, result.stderr);
    return "error" in parsed
      ? parsed
      : { status: parsed.status, via: "curl/wget on the node (forwarding disabled)" };
  };
}
