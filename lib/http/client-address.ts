/**
 * Who sent a request, as the console's front door (lib/http/front-door.ts) saw the socket. A
 * client's own X-Forwarded-For is never believed: the front door overwrites PEER_HEADER with a
 * per-process stamp and the socket's address, so a header without the stamp is not ours.
 */
export const PEER_HEADER = "x-console-peer";
/** Requests the front door did not see (none once the server is up) share one name. */
export const UNKNOWN_CLIENT = "unverified";

const STAMP_KEY = Symbol.for("k0rdent-console.front-door-stamp");
type Holder = { [STAMP_KEY]?: string };

function frontDoorStamp(): string | undefined {
  return (globalThis as Holder)[STAMP_KEY];
}

export function setFrontDoorStamp(stamp: string): void {
  (globalThis as Holder)[STAMP_KEY] = stamp;
}

export function peerHeaderValue(stamp: string, address: string): string {
  return `${stamp} ${address}`;
}

export function clientAddress(headers: Headers): string {
  const stamp = frontDoorStamp();
  const [seen, address] = (headers.get(PEER_HEADER) ?? "").split(" ");
  return stamp !== undefined && seen === stamp && address ? address : UNKNOWN_CLIENT;
}
