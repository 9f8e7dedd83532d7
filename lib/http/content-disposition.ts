/**
 * `attachment` with a file name no client can misread (RFC 6266): an ASCII-only `filename=`
 * (anything else becomes "_": no quote, backslash, slash or line break survives) and the exact
 * name as UTF-8 in `filename*=`.
 */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^A-Za-z0-9._+-]/g, "_").replace(/^\.+/, "_") || "download";
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeRfc5987(fileName)}`;
}

function encodeRfc5987(value: string): string {
  // encodeURIComponent leaves ' ( ) * unescaped; RFC 5987's attr-char does not allow them
  return encodeURIComponent(value).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
