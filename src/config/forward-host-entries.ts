import { parseAddress, parseIpAllowList } from '../router/ip-allow-list.js';

const hostName = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

/**
 * Why a FORWARD_ALLOWED_HOSTS entry could never match a forward's URL, or undefined when it can.
 * The forms are those of the forward command's allow list: an IP address or CIDR range (every port),
 * `*.domain`, or a host name with an optional port. An IP address with a port is refused here
 * (or bracketed) because the list compares bare addresses, so it would silently allow nothing.
 */
export function forwardHostEntryProblem(entry: string): string | undefined {
  if (parseIpAllowList(entry).invalid.length === 0) return undefined;
  if (entry.startsWith('*.'))
    return hostName.test(entry.slice(2)) ? undefined : `"${entry}" is not a wildcard domain such as *.partner.com`;
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(entry);
  const host = match?.[1]?.replace(/^\[|\]$/g, '');
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (host !== undefined && parseAddress(host))
    return `"${entry}" would never match: an IP address is listed bare (it allows every port), so list ${host}`;
  if (host === undefined || !hostName.test(host))
    return `"${entry}" is not a host name, host:port, *.domain, IP address or CIDR range`;
  if (port !== undefined && (port < 1 || port > 65_535)) return `"${entry}": ${port} is not a port`;
  return undefined;
}
