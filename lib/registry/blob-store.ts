import type { Body, RegistryClient } from "./client";

/** How one blob reached its repository. */
export type BlobOutcome = "present" | "mounted" | "uploaded";

/** What a blob's artifact learns as its bytes go (or turn out to be there already). */
export interface BlobTracker {
  uploaded(bytes: number): void;
  /** the blob is there already (present or mounted): its whole size counts as done */
  settled(size: number, outcome: Exclude<BlobOutcome, "uploaded">): void;
}

/**
 * Puts blobs into repositories at most once per push: HEAD first (already there), then a
 * cross-repository mount from a repository this push already filled, and only then an upload.
 * Concurrent requests for the same blob in the same repository share one attempt.
 */
export class BlobStore {
  /** digest → a repository that has it */
  private readonly known = new Map<string, string>();
  private readonly inflight = new Map<string, Promise<BlobOutcome>>();

  constructor(
    private readonly client: RegistryClient,
    private readonly signal?: AbortSignal,
  ) {}

  /** A repository of this registry already holding `digest`, learnt during this push. */
  holder(digest: string): string | undefined {
    return this.known.get(digest);
  }

  ensure(
    repository: string,
    digest: string,
    size: number,
    body: Body | undefined,
    tracker: BlobTracker,
  ): Promise<BlobOutcome> {
    const key = `${repository}@${digest}`;
    let pending = this.inflight.get(key);
    if (pending === undefined) {
      pending = this.place(repository, digest, size, body, tracker).finally(() => {
        if (this.inflight.get(key) === pending) this.inflight.delete(key);
      });
      this.inflight.set(key, pending);
      return pending;
    }
    return pending.then((outcome) => {
      tracker.settled(size, "present");
      return outcome;
    });
  }

  private async place(
    repository: string,
    digest: string,
    size: number,
    body: Body | undefined,
    tracker: BlobTracker,
  ): Promise<BlobOutcome> {
    const { client, signal } = this;
    if (
      this.known.get(digest) === repository ||
      (await client.hasBlob(repository, digest, signal))
    ) {
      this.known.set(digest, repository);
      tracker.settled(size, "present");
      return "present";
    }
    const from = this.known.get(digest);
    if (from !== undefined && (await client.mountBlob(repository, digest, from, signal))) {
      tracker.settled(size, "mounted");
      return "mounted";
    }
    if (body === undefined) {
      throw new Error(
        `blob ${digest} could not be mounted into ${repository} and has no bytes at hand`,
      );
    }
    await client.uploadBlob(repository, digest, body, {
      signal,
      onBytes: (n) => tracker.uploaded(n),
    });
    this.known.set(digest, repository);
    return "uploaded";
  }
}
