import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses an event webhook may not reach unless private endpoints are allowed: loopback,
 * private, link-local, carrier-grade NAT, unspecified, multicast and reserved ranges (IPv4, IPv6,
 * and IPv4 mapped into IPv6).
 */
const blocked = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
] as const) {
  blocked.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, 'ipv4');
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return blocked.check(mapped[1], 'ipv4');
  return blocked.check(address, 'ipv6');
}

/** Why a URL may not be an endpoint, before any DNS lookup; undefined when its shape is fine. */
export function urlShapeProblem(url: string, allowPrivate: boolean): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'must be an absolute URL';
  }
  if (parsed.protocol !== 'https:' && !(allowPrivate && parsed.protocol === 'http:')) {
    return allowPrivate ? 'must be an http or https URL' : 'must be an https URL';
  }
  if (parsed.username || parsed.password) return 'must not contain credentials';
  if (!allowPrivate) {
    const host = hostOf(parsed);
    if (isIP(host) && isPrivateAddress(host))
      return 'must not point to a loopback, private or link-local address';
    if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point to a loopback address';
  }
  return undefined;
}

/** The hostname without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/**
 * Resolves the URL's host and answers why it may not be reached (undefined when it may): every
 * address it resolves to must be public. Checked when an endpoint is saved and again at delivery
 * time, where the connection itself goes through `safeLookup` so a rebinding DNS cannot swap in a
 * private address between the check and the connect.
 */
export async function resolutionProblem(url: string): Promise<string | undefined> {
  const host = hostOf(new URL(url));
  if (isIP(host)) return isPrivateAddress(host) ? 'resolves to a private address' : undefined;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    return 'has a host that does not resolve';
  }
  if (addresses.length === 0) return 'has a host that does not resolve';
  return addresses.some((entry) => isPrivateAddress(entry.address))
    ? 'resolves to a loopback, private or link-local address'
    : undefined;
}
