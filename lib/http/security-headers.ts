/**
 * Headers on every response the console sends. The referrer never leaves the console; it is not
 * "no-referrer" because then a browser's form post says `Origin: null`, which the origin check
 * refuses (the sign-in form posts natively until its script has loaded).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  "x-content-type-options": "nosniff",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
};

/** API answers are data: nothing in them may run, be framed or be cached. */
export const API_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'",
  "cache-control": "no-store",
};

/**
 * A page's policy: only the scripts Next.js renders with this request's nonce run, and what they
 * load ('strict-dynamic'); everything else comes from the console itself. `next dev` needs eval
 * and injects its styles without a nonce.
 */
export function pageContentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    `style-src 'self' ${dev ? "'unsafe-inline'" : `'nonce-${nonce}'`}`,
    "img-src 'self' blob: data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
