/** Field rules shared by the zod schemas and the import parsers (pure). */
import { z } from "zod";

import { NODE_NAME } from "@/lib/render/nodes";

/** POSIX portable user names (no leading '-', so never read as an ssh option). */
export const USER_NAME = /^[A-Za-z_][A-Za-z0-9._-]{0,31}$/;
export const LABEL_KEY = /^[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?$/;
/**
 * Control characters, and the Unicode bidi controls that make text display in another order than
 * it is stored ("Trojan Source"): refused in labels and names a person reads.
 */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
export const HIDDEN_CONTROLS = new RegExp(`\\p{Cc}|${BIDI_CONTROLS.source}`, "u");
export const HIDDEN_CONTROLS_MESSAGE =
  "must not contain control characters or bidi controls (U+200E/F, U+202A-U+202E, U+2066-U+2069)";
export const MAX_LABEL_VALUE = 256;
/** printable, without ';' (the CSV/Ansible label separator) */
export const LABEL_VALUE = /^[^;]{0,256}$/u;
/** OpenSSH's SHA256 fingerprint: 32 bytes base64 without padding. Pasted forms without the
 * "SHA256:" prefix or with a trailing '=' are accepted and normalised by normaliseFingerprint. */
export const FINGERPRINT = /^(SHA256:)?[A-Za-z0-9+/]{43}=?$/i;

/** Accepts "SHA256:abc", "abc" and "abc=" for what a user pastes. */
export function normaliseFingerprint(value: string): string {
  return `SHA256:${value
    .trim()
    .replace(/^SHA256:/i, "")
    .replace(/=+$/, "")}`;
}

export const KEY_TYPE = /^[a-z0-9][a-z0-9@.-]{2,63}$/;

export function isNodeName(value: string): boolean {
  return NODE_NAME.test(value) && !value.endsWith(".");
}

/** A hostname, an IPv4 or an IPv6 address (without brackets or zone). */
export function isHostAddress(value: string): boolean {
  if (z.regexes.ipv4.test(value) || z.regexes.ipv6.test(value)) return true;
  // all digits and dots but not a valid IPv4 (e.g. 10.0.0.256) is a typo, not a hostname
  if (/^[\d.]+$/.test(value)) return false;
  return value.length <= 253 && z.regexes.hostname.test(value);
}

/** A port typed as text: digits only; anything else is reported and left out. */
export function parsePortText(text: string, errors: string[], field = "port"): number | undefined {
  const trimmed = text.trim();
  if (!trimmed) return undefined;
  if (/^\d{1,5}$/.test(trimmed)) return Number(trimmed);
  errors.push(`${field}: "${trimmed}" is not a port number (1-65535)`);
  return undefined;
}

/** A port from a parsed file: a number, or digits as text; anything else is reported. */
export function portFrom(value: unknown, errors: string[], field = "port"): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value;
  return parsePortText(String(value), errors, field);
}

/** A node name for a host known only by its address: the address with other characters as '-'. */
export function nameFromAddress(address: string): string {
  return address
    .trim()
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .replace(/^[^A-Za-z0-9]+/, "")
    .slice(0, 63)
    .replace(/\.+$/, "");
}
