import ipaddr from 'ipaddr.js';

/** How many leading bits of an IPv6 address name one client for per-IP limits. @default 64 */
export const DEFAULT_IPV6_PREFIX_LENGTH = 64;

/**
 * The key a per-IP limit counts a client address under (SPEC §7.3): an IPv4 address (also when
 * written IPv4-mapped, `::ffff:10.77.0.1`) as itself; an IPv6 address as its network of
 * `ipv6PrefixLength` bits (one /64 is what a single subscriber or host usually gets, so one
 * client cannot dodge the limit by walking through its own addresses). An address that does
 * not parse is counted under its own text.
 */
export function ipBucket(ip: string, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() reads IPv4-mapped IPv6 as the IPv4 address it maps.
    addr = ipaddr.process(ip);
  } catch {
    return ip;
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  const bytes = addr.toByteArray();
  for (let bit = ipv6PrefixLength; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return `${ipaddr.fromByteArray(bytes).toString()}/${ipv6PrefixLength}`;
}
