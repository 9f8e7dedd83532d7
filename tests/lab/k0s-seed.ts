import { k0sSystemImages } from "@/lib/registry/k0s-images";
import { LAB_SEED } from "./images";

/**
 * LAB_SEED plus k0s's system images for `version` at their flat-layout paths (registry host
 * dropped: quay.io/k0sproject/coredns:1.12.2 → k0sproject/coredns:1.12.2): what a pre-flight
 * check of that k0s version asks the lab registry for.
 */
export function seedWithK0sImages(version: string): string[] {
  const k0s = (k0sSystemImages(version) ?? []).map((image) => image.slice(image.indexOf("/") + 1));
  return [...new Set([...LAB_SEED, ...k0s])];
}
