/** Browser-side calls to the binary store: the k0s binaries an apply can upload to nodes. */
import type { StoredBinary } from "@/lib/binaries/store";
import { sizeText } from "@/lib/runs/binary-choice";
import { call } from "./api";

export type { StoredBinary } from "@/lib/binaries/store";

export async function listBinaries(): Promise<StoredBinary[]> {
  const response = await call("/api/binaries", { method: "GET", cache: "no-store" });
  return ((await response.json()) as { binaries: StoredBinary[] }).binaries;
}

/** Uploads the file as it is (streamed); resolves with what the console read from it. */
export async function uploadBinary(file: File): Promise<StoredBinary> {
  const response = await call(`/api/binaries?name=${encodeURIComponent(file.name)}`, {
    method: "POST",
    headers: { "content-type": "application/octet-stream" },
    body: file,
  });
  return ((await response.json()) as { binary: StoredBinary }).binary;
}

/** "v1.32.8+k0s.0 · amd64 · 245.3 MiB" */
export function describeBinary(binary: StoredBinary): string {
  return [binary.version, binary.arch ?? "script", sizeText(binary.size)].join(" · ");
}
