/** Largest upload POST /api/catalog accepts: archives are streamed, so this can be a whole bundle. */
export const MAX_UPLOAD_BYTES = 16 * 1024 ** 3;

/** Largest catalog text read into memory: a plain list, or the index.json / manifest.json of an archive. */
export const MAX_CATALOG_TEXT_BYTES = 32 * 1024 ** 2;
