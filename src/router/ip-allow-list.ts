import ipaddr from 'ipaddr.js';

type Range = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** A parsed `allowableIPs` value: addresses and CIDR ranges, IPv4 and IPv6. */
export interface IpAllowList {
  /** True when the list is empty (anyone may call) or the address is inside one of its ranges. */
  allows(address: string): boolean;
}

/** Parses a comma-separated list; `invalid` names every entry that is neither an address nor a CIDR. */
export function parseIpAllowList(text: string): { list: IpAllowList; invalid: string[] } {
  const ranges: Range[] = [];
  const invalid: string[] = [];
  for (const entry of text
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e !== '')) {
    const range = parseRange(entry);
    if (range) ranges.push(range);
    else invalid.push(entry);
  }
  return {
    invalid,
    list: {
      allows(address) {
        if (ranges.length === 0) return true;
        const parsed = parseAddress(address);
        return parsed !== undefined && ranges.some((range) => inRange(parsed, range));
      },
    },
  };
}

/** An address in its canonical kind: IPv4-mapped IPv6 (`::ffff:1.2.3.4`) is treated as the IPv4 address. */
export function parseAddress(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  const bare = text.trim();
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (!ipaddr.IPv6.isValid(bare)) return undefined;
  const v6 = ipaddr.IPv6.parse(bare);
  return v6.isIPv4MappedAddress() ? v6.toIPv4Address() : v6;
}

function parseRange(entry: string): Range | undefined {
  const slash = entry.indexOf('/');
  const address = parseAddress(slash === -1 ? entry : entry.slice(0, slash));
  if (!address) return undefined;
  const maxBits = address.kind() === 'ipv4' ? 32 : 128;
  if (slash === -1) return [address, maxBits];
  const bitsText = entry.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  return bits <= maxBits ? [address, bits] : undefined;
}

function inRange(address: ipaddr.IPv4 | ipaddr.IPv6, [network, bits]: Range): boolean {
  return address.kind() === network.kind() && address.match(network, bits);
}
