/** Largest upload POST /api/catalog accepts: archives are streamed, so this can be a whole bundle. */
export const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;

/** Largest catalog text read into memory: a plain list, or the index.json / manifest.json of an archive. */
export const MAX_CATALOG_TEXT_BYTES = 32 * 1024 ** 2;

/**
 * Most bytes a compressed upload may decompress to: twice the upload limit, since a gzipped bundle
 * of image layers (already compressed) decompresses to about its own size.
 */
export const MAX_DECOMPRESSED_BYTES = 32 * 1024 ** 3;

/**
 * Decompressed bytes allowed per byte received, past the first MAX_DECOMPRESSED_FREE_BYTES: real
 * bundles and catalogs stay far below it, a gzip bomb (or gzip inside gzip) passes it at once.
 */
export const MAX_DECOMPRESSION_RATIO = 100;
export const MAX_DECOMPRESSED_FREE_BYTES = 8 * 1024 ** 2;

/** Most distinct images a catalog may name (the fleet settings keep the catalog's image list). */
export const MAX_CATALOG_IMAGES = 200_000;
