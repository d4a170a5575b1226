import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key per-client limits count under, from the client's address (Fastify's `request.ip`, which follows
 * `X-Forwarded-For` only from trusted proxies). An IPv6 client is its /64: one home or phone gets a whole /64
 * and can rotate addresses inside it at will, so counting single addresses would hand it fresh buckets.
 */
export function clientKey(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  return `${expandIPv6(ip).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, in lowercase without leading zeros. */
function expandIPv6(ip: string): string[] {
  const bare = ip.split('%')[0]!;
  // An embedded IPv4 tail (::1.2.3.4) is two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  let text = bare;
  if (v4) {
    const [a, b, c, d] = v4[1]!.split('.').map(Number) as [number, number, number, number];
    text = bare.slice(0, -v4[1]!.length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}
