import type { ImageLocator } from "./mirror-request";

/** How many catalog images each node asks its registry for. */
const SAMPLE_SIZE = 8;

/** A small, stable sample that covers every registry first, then fills up in catalog order. */
export function sampleImages(images: ImageLocator[], size = SAMPLE_SIZE): ImageLocator[] {
  const picked: ImageLocator[] = [];
  const seenRegistries = new Set<string>();
  for (const image of images) {
    if (picked.length >= size) break;
    if (!seenRegistries.has(image.registry)) {
      seenRegistries.add(image.registry);
      picked.push(image);
    }
  }
  for (const image of images) {
    if (picked.length >= size) break;
    if (!picked.includes(image)) picked.push(image);
  }
  return picked;
}
