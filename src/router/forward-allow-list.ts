import { parseAddress, parseIpAllowList } from './ip-allow-list.js';

/** FORWARD_ALLOWED_HOSTS, parsed: host names (`name`, `name:port`, `*.domain`), IP addresses and CIDR ranges. */
export interface ForwardAllowList {
  /** Whether a URL's host and port are listed (an IP literal must be inside a listed address or range). */
  allowsHost(hostname: string, port: number): boolean;
  /** Whether a resolved address may be connected to: public unicast, or any other kind only when listed. */
  allowsAddress(address: string): boolean;
  /** Why an address is refused, for the error message. */
  describeAddress(address: string): string;
}

export function parseForwardAllowList(entries: readonly string[]): ForwardAllowList {
  const names = new Map<string, number | undefined>();
  const suffixes: string[] = [];
  const ipEntries: string[] = [];
  for (const raw of entries.map((entry) => entry.trim().toLowerCase()).filter((entry) => entry !== '')) {
    if (parseIpAllowList(raw).invalid.length === 0) ipEntries.push(raw);
    else if (raw.startsWith('*.')) suffixes.push(raw.slice(1));
    else {
      const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(raw);
      if (match?.[1]) names.set(match[1].replace(/^\[|\]$/g, ''), match[2] === undefined ? undefined : Number(match[2]));
    }
  }
  const listedAddresses = ipEntries.length > 0 ? parseIpAllowList(ipEntries.join(',')).list : undefined;
  const isListedAddress = (address: string) => listedAddresses?.allows(address) ?? false;

  return {
    allowsHost(hostname, port) {
      const host = hostname.toLowerCase();
      if (parseAddress(host)) return isListedAddress(host);
      if (names.has(host)) {
        const listedPort = names.get(host);
        return listedPort === undefined || listedPort === port;
      }
      return suffixes.some((suffix) => host.endsWith(suffix));
    },
    allowsAddress(address) {
      const parsed = parseAddress(address);
      if (!parsed) return false;
      return parsed.range() === 'unicast' || isListedAddress(address);
    },
    describeAddress(address) {
      return `${address} (${parseAddress(address)?.range() ?? 'invalid'})`;
    },
  };
}
