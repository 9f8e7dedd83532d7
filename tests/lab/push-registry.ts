import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { RegistryClient, type RegistryConnection } from "@/lib/registry/client";
import type { BundleArtifact } from "./bundle";
import { freePort } from "./console-server";
import type { LabRun } from "./lab-run";
import { htpasswdLine, makeServerPki, makeSigningKey } from "./pki";
import { type Registry, startRegistry } from "./registry";
import { startTokenServer, type TokenServer } from "./token-server";

/** A registry for push tests on 127.0.0.1: plain http, https with its own CA + htpasswd, or token auth. */
export type PushRegistryKind = "plain" | "tls-htpasswd" | "token";

export interface PushRegistry {
  registry: Registry;
  /** how lib/registry reaches it (credentials included) */
  connection: RegistryConnection;
  tokenServer?: TokenServer;
  stop(): Promise<void>;
}

export const LAB_USER = "pusher";
export const LAB_PASSWORD = "push-pass-1";

export async function startPushRegistry(
  run: LabRun,
  kind: PushRegistryKind,
): Promise<PushRegistry> {
  const dir = run.mkdir(`registry-${kind}`);
  const address = `127.0.0.1:${await freePort()}`;
  const credentials = { username: LAB_USER, password: LAB_PASSWORD };
  if (kind === "plain") {
    const registry = await startRegistry({ name: "push registry", dir, listen: { tcp: address } });
    return { registry, connection: { url: `http://${address}` }, stop: () => registry.stop() };
  }
  if (kind === "tls-htpasswd") {
    const pki = await makeServerPki(dir);
    const htpasswdFile = join(dir, "htpasswd");
    writeFileSync(htpasswdFile, `${await htpasswdLine(LAB_USER, LAB_PASSWORD)}\n`);
    const registry = await startRegistry({
      name: "tls registry",
      dir,
      listen: { tcp: address },
      tls: { certFile: pki.certFile, keyFile: pki.keyFile },
      auth: { htpasswdFile },
    });
    return {
      registry,
      connection: { url: `https://${address}`, ca: pki.caCert, credentials },
      stop: () => registry.stop(),
    };
  }
  const signing = await makeSigningKey(dir);
  const tokenServer = await startTokenServer({
    ...signing,
    user: LAB_USER,
    password: LAB_PASSWORD,
  });
  try {
    const registry = await startRegistry({
      name: "token registry",
      dir,
      listen: { tcp: address },
      auth: {
        token: {
          realm: tokenServer.realm,
          service: tokenServer.service,
          issuer: tokenServer.issuer,
          rootCertFile: signing.certFile,
        },
      },
    });
    return {
      registry,
      tokenServer,
      connection: { url: `http://${address}`, credentials },
      stop: async () => {
        await registry.stop();
        await tokenServer.stop();
      },
    };
  } catch (error) {
    await tokenServer.stop();
    throw error;
  }
}

/** Pushes an artifact (blobs, platforms, then the tagged top) as `repository:tag`. */
export async function pushArtifact(
  connection: RegistryConnection,
  repository: string,
  artifact: BundleArtifact,
) {
  const client = new RegistryClient(connection);
  try {
    const manifests = new Set([artifact.top.digest, ...artifact.children.map((c) => c.digest)]);
    for (const [digest, bytes] of artifact.blobs) {
      if (!manifests.has(digest)) await client.uploadBlob(repository, digest, bytes);
    }
    for (const child of artifact.children) {
      const bytes = artifact.blobs.get(child.digest) ?? Buffer.alloc(0);
      await client.putManifest(repository, child.digest, child.mediaType, bytes);
    }
    const top = artifact.blobs.get(artifact.top.digest) ?? Buffer.alloc(0);
    await client.putManifest(repository, artifact.tag, artifact.top.mediaType, top);
  } finally {
    client.close();
  }
}
