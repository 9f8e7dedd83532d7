import { CatalogLimitError } from "./errors";
import { MAX_CATALOG_IMAGES } from "./limits";
import { parseReferenceParts } from "./reference";
import type {
  CatalogEntryError,
  CatalogFormat,
  CatalogImage,
  CatalogResult,
  CatalogSkipped,
  RegistryCount,
} from "./types";

/** Collects a reader's entries; every reader funnels references through `add` so they parse alike. */
export class CatalogBuilder {
  readonly images: CatalogImage[] = [];
  readonly skipped: CatalogSkipped[] = [];
  readonly errors: CatalogEntryError[] = [];
  /** distinct references so far: the image limit counts each image once */
  private readonly refs = new Set<string>();
  /** distinct references per registry host, counted as they come (no second pass over 200,000 images) */
  private readonly perHost = new Map<string, number>();

  /** Parses `input` as an image reference; a bad one becomes an entry error. True when it was an image. */
  add(input: string, line: number, path?: string): boolean {
    const parsed = parseReferenceParts(input);
    if (typeof parsed === "string") {
      this.error(input, line, parsed, path);
      return false;
    }
    if (parsed.domain === "") {
      // Go's parser accepts e.g. "foo_bar.com/x" with an empty domain: nothing to mirror it through.
      this.error(
        input,
        line,
        "no registry host: the first component is not a valid host name",
        path,
      );
      return false;
    }
    if (!this.refs.has(parsed.normalized)) {
      this.refs.add(parsed.normalized);
      this.perHost.set(parsed.domain, (this.perHost.get(parsed.domain) ?? 0) + 1);
    }
    if (this.refs.size > MAX_CATALOG_IMAGES) {
      throw new CatalogLimitError(
        `the catalog names more than ${MAX_CATALOG_IMAGES.toLocaleString("en")} distinct images, the console's documented limit (README, POST /api/catalog): keep only the images you mirror, or split the catalog`,
      );
    }
    this.images.push({
      input,
      ref: parsed.normalized,
      registry: parsed.domain,
      repository: parsed.path,
      tag: parsed.tag,
      digest: parsed.digest,
      line,
    });
    return true;
  }

  skip(input: string, line: number, reason: string): void {
    this.skipped.push({ line, input, reason });
  }

  error(input: string, line: number, message: string, path?: string): void {
    this.errors.push(
      path === undefined ? { line, input, message } : { line, path, input, message },
    );
  }

  get entryCount(): number {
    return this.images.length + this.skipped.length + this.errors.length;
  }

  finish(format: CatalogFormat): CatalogResult {
    return {
      format,
      images: this.images,
      registries: byHost([...this.perHost].map(([host, images]) => ({ host, images }))),
      skipped: this.skipped,
      errors: this.errors,
    };
  }
}

/**
 * Images per registry host. `images` keeps every entry as written (duplicates included, so line
 * numbers stay meaningful), but a registry's count is of DISTINCT normalised references: the same
 * image listed twice is still one image to mirror.
 */
export function countRegistries(images: readonly CatalogImage[]): RegistryCount[] {
  const refsByHost = new Map<string, Set<string>>();
  for (const image of images) {
    let refs = refsByHost.get(image.registry);
    if (refs === undefined) {
      refs = new Set();
      refsByHost.set(image.registry, refs);
    }
    refs.add(image.ref);
  }
  return byHost([...refsByHost].map(([host, refs]) => ({ host, images: refs.size })));
}

function byHost(counts: RegistryCount[]): RegistryCount[] {
  return counts.sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : 0));
}

/** JSON/YAML path segments → `components[1].images[3]`, `["quay.io"].images["coreos/etcd"][0]`. */
export function formatPath(segments: readonly (string | number)[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
