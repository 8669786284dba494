import { parseAddress, parseIpAllowList } from './ip-allow-list.js';

/** The proxies whose `X-Forwarded-For` is believed (`TRUSTED_PROXIES`); an empty list trusts nobody. */
export interface TrustedProxies {
  isTrusted(address: string): boolean;
}

/** Parses `TRUSTED_PROXIES`: comma-separated addresses and CIDRs; throws naming the invalid entries. */
export function parseTrustedProxies(text: string): TrustedProxies {
  const { list, invalid } = parseIpAllowList(text);
  if (invalid.length > 0) throw new Error(`TRUSTED_PROXIES: not an address or CIDR: ${invalid.join(', ')}`);
  if (text.trim() === '') return { isTrusted: () => false };
  return { isTrusted: (address) => list.allows(address) };
}

/**
 * The caller's address: the socket peer, unless the peer is a trusted proxy; then `X-Forwarded-For`
 * is read right to left, skipping trusted hops, and the first untrusted hop is the client. IPv4-mapped
 * IPv6 addresses come back as plain IPv4.
 */
export function resolveClientIp(peer: string, forwardedFor: string | undefined, trusted: TrustedProxies): string {
  let client = canonical(peer);
  if (!trusted.isTrusted(client) || !forwardedFor) return client;
  const hops = forwardedFor
    .split(',')
    .map((hop) => hop.trim())
    .filter((hop) => hop !== '');
  for (let i = hops.length - 1; i >= 0; i -= 1) {
    client = canonical(hops[i]!);
    if (!trusted.isTrusted(client)) return client;
  }
  return client;
}

function canonical(address: string): string {
  return parseAddress(address)?.toString() ?? address;
}
