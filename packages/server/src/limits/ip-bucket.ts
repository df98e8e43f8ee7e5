import ipaddr from 'ipaddr.js';

/** How many leading bits of an IPv6 address name one client for per-IP limits. @default 64 */
export const DEFAULT_IPV6_PREFIX_LENGTH = 64;

/**
 * The key a per-IP limit counts a client address under (SPEC §7.3): an IPv4 address (also when
 * written IPv4-mapped, `::ffff:10.77.0.1`) as itself; an IPv6 address as its network of
 * `ipv6PrefixLength` bits (one /64 is what a single subscriber or host usually gets, so one
 * client cannot dodge the limit by walking through its own addresses). A port or brackets that
 * a proxy wrote into `X-Forwarded-For` (`198.51.100.7:4000`, `[2001:db8::1]:443`) are dropped.
 * Anything that still does not parse shares ONE bucket, `UNPARSEABLE_IP_BUCKET`: counting junk
 * under its own text would let a client dodge the limit by varying it.
 */
export function ipBucket(ip: string, ipv6PrefixLength = DEFAULT_IPV6_PREFIX_LENGTH): string {
  let addr: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    // process() reads IPv4-mapped IPv6 as the IPv4 address it maps.
    addr = ipaddr.process(withoutPort(ip.trim()));
  } catch {
    return UNPARSEABLE_IP_BUCKET;
  }
  if (addr.kind() === 'ipv4') return addr.toString();
  const bytes = addr.toByteArray();
  for (let bit = ipv6PrefixLength; bit < 128; bit++) bytes[bit >> 3]! &= ~(0x80 >> (bit & 7));
  return `${ipaddr.fromByteArray(bytes).toString()}/${ipv6PrefixLength}`;
}

/** The one bucket of every client address that does not parse as IPv4 or IPv6. */
export const UNPARSEABLE_IP_BUCKET = 'unparseable';

/** `[v6]:port` → v6, `[v6]` → v6, `v4:port` → v4; anything else unchanged (a bare IPv6 has several colons). */
function withoutPort(ip: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(ip);
  if (bracketed) return bracketed[1]!;
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}$/.exec(ip);
  return v4WithPort ? v4WithPort[1]! : ip;
}
