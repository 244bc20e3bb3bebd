import { readFileSync } from 'node:fs';
import { formatV4 } from '../../net/address.js';

/** Default and other gateways from the kernel's route tables (never block the way out). */
export function readGateways(procRoute = '/proc/net/route', procRoute6 = '/proc/net/ipv6_route'): string[] {
  return [...parseIpv4Routes(readOrEmpty(procRoute)), ...parseIpv6Routes(readOrEmpty(procRoute6))];
}

/** /proc/net/route: Iface Destination Gateway … with little-endian hex addresses. */
export function parseIpv4Routes(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const gw = f[2];
    if (gw === undefined || !/^[0-9A-Fa-f]{8}$/.test(gw) || gw === '00000000') continue;
    const v = parseInt(gw, 16);
    // Little-endian on every Linux architecture we run on: byte-swap into network order.
    out.add(formatV4(((v & 0xff) << 24 | ((v >>> 8) & 0xff) << 16 | ((v >>> 16) & 0xff) << 8 | (v >>> 24)) >>> 0));
  }
  return [...out];
}

/** /proc/net/ipv6_route: dest plen src splen nexthop metric … iface (32-hex-digit addresses). */
export function parseIpv6Routes(text: string): string[] {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    const hop = f[4];
    if (hop === undefined || !/^[0-9a-f]{32}$/.test(hop) || /^0+$/.test(hop)) continue;
    out.add(hop.match(/.{4}/g)!.join(':'));
  }
  return [...out];
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}
