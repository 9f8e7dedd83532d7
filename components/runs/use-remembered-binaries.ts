"use client";

import { useCallback, useEffect, useState } from "react";
import type { BinaryChoice } from "./k0s-binary-field";

const STORAGE_KEY = "k0rdent-airgap-console:k0s-binaries";
const ARCHES = new Set(["amd64", "arm64", "arm"]);
const SHA256 = /^[0-9a-f]{64}$/;

/**
 * The k0s binaries chosen for a plan, kept in this browser: back on the Runs page after a plan,
 * the same binaries are chosen (the field drops any that is no longer stored).
 */
export function useRememberedBinaries(): [BinaryChoice, (choice: BinaryChoice) => void] {
  const [choice, setChoice] = useState<BinaryChoice>({});
  useEffect(() => {
    setChoice(readChoice(window.localStorage.getItem(STORAGE_KEY)));
  }, []);
  const remember = useCallback((next: BinaryChoice) => {
    setChoice(next);
    window.localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
  }, []);
  return [choice, remember];
}

function readChoice(saved: string | null): BinaryChoice {
  try {
    const parsed: unknown = JSON.parse(saved ?? "{}");
    if (typeof parsed !== "object" || parsed === null) return {};
    return Object.fromEntries(
      Object.entries(parsed).filter(
        ([arch, sha256]) => ARCHES.has(arch) && typeof sha256 === "string" && SHA256.test(sha256),
      ),
    );
  } catch {
    return {};
  }
}
