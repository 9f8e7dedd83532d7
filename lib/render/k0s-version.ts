import { RenderInputError } from "./errors";

export interface K0sVersion {
  major: number;
  minor: number;
  patch: number | null;
  /** as the user wrote it, trimmed */
  text: string;
}

/** k0s minors whose bundled containerd is known (facts doc, §1). */
const KNOWN_K0S_MINORS = { first: 27, last: 36 } as const;
export const K0S_KNOWN_RANGE = `1.${KNOWN_K0S_MINORS.first}–1.${KNOWN_K0S_MINORS.last}`;

/** The first k0s minor that ships containerd 2.x and rejects v2 drop-ins. */
const FIRST_V3_MINOR = 36;

const VERSION = /^v?(\d+)\.(\d+)(?:\.(\d+))?(?:[-+][0-9A-Za-z.+-]*)?$/;

/** Accepts "1.32.8", "v1.32.8+k0s.0", "1.36". */
export function parseK0sVersion(input: string): K0sVersion {
  const text = input.trim();
  const match = VERSION.exec(text);
  if (!match) {
    throw new RenderInputError(
      "k0sVersion",
      `"${input}" is not a k0s version (expected e.g. 1.32.8 or v1.32.8+k0s.0)`,
    );
  }
  const [, major, minor, patch] = match;
  return {
    major: Number(major),
    minor: Number(minor),
    patch: patch === undefined ? null : Number(patch),
    text,
  };
}

/** Which containerd config line the drop-in must use for this k0s. */
export function configLineFor(version: K0sVersion): "v2" | "v3" {
  if (version.major !== 1) return version.major > 1 ? "v3" : "v2";
  return version.minor >= FIRST_V3_MINOR ? "v3" : "v2";
}

export function isKnownK0sVersion(version: K0sVersion): boolean {
  return (
    version.major === 1 &&
    version.minor >= KNOWN_K0S_MINORS.first &&
    version.minor <= KNOWN_K0S_MINORS.last
  );
}

/** Registries k0s itself pulls its Linux system images from (facts doc, §3). */
export function k0sSystemRegistries(version: K0sVersion): string[] {
  const before133 = version.major === 1 && version.minor < 33;
  return before133 ? ["quay.io", "registry.k8s.io"] : ["quay.io"];
}
