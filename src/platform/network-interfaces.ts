import { readdirSync, readFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';

/**
 * Interface names as the kernel knows them (including ones without addresses), plus `any`,
 * which libpcap offers on Linux.
 */
export function listInterfaceNames(): string[] {
  const names = new Set<string>();
  try {
    for (const n of readdirSync('/sys/class/net')) names.add(n);
  } catch {
    // Not Linux, or /sys not mounted: fall back to interfaces with addresses.
  }
  for (const n of Object.keys(networkInterfaces())) names.add(n);
  const sorted = [...names].sort();
  if (process.platform === 'linux') sorted.push('any');
  return sorted;
}

/** The interface of the IPv4 default route (else IPv6), from /proc; null when there is none. */
export function defaultRouteInterface(): string | null {
  try {
    // Columns: Iface Destination Gateway Flags … ; destination 00000000 with mask 00000000.
    const lines = readFileSync('/proc/net/route', 'utf8').trim().split('\n').slice(1);
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f[1] === '00000000' && f[7] === '00000000') return f[0] ?? null;
    }
  } catch {
    // fall through
  }
  try {
    // Columns: dest(32 hex) prefix src srcprefix nexthop metric refcnt use flags iface.
    const lines = readFileSync('/proc/net/ipv6_route', 'utf8').trim().split('\n');
    for (const line of lines) {
      const f = line.trim().split(/\s+/);
      if (f[0] === '00000000000000000000000000000000' && f[1] === '00' && f[9] !== 'lo') return f[9] ?? null;
    }
  } catch {
    // fall through
  }
  return null;
}

/** The host's own addresses as CIDRs (/32 and /128), loopback included: the default home net. */
export function hostAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const addr = a.address.split('%')[0]!;
      out.push(a.family === 'IPv4' ? `${addr}/32` : `${addr}/128`);
    }
  }
  return out;
}
