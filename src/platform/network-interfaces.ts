import { formatAddress } from '../net/address.js';
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

/**
 * The host's own addresses as CIDRs (/32 and /128), loopback included: the default home net.
 * os.networkInterfaces() leaves out interfaces without carrier (a veth in its first second, a
 * cable being plugged), so the kernel's own tables are read too: local routes of
 * /proc/net/fib_trie for IPv4 and /proc/net/if_inet6 for IPv6.
 */
export function hostAddresses(): string[] {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      const addr = a.address.split('%')[0]!;
      out.add(a.family === 'IPv4' ? `${addr}/32` : `${addr}/128`);
    }
  }
  for (const a of procLocalIpv4()) out.add(`${a}/32`);
  for (const a of procIpv6()) out.add(`${a}/128`);
  return [...out];
}

function procLocalIpv4(): string[] {
  try {
    const lines = readFileSync('/proc/net/fib_trie', 'utf8').split('\n');
    const out: string[] = [];
    for (let i = 0; i + 1 < lines.length; i++) {
      const leaf = /\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(lines[i]!);
      if (leaf && /\/32 host LOCAL/.test(lines[i + 1]!)) out.push(leaf[1]!);
    }
    return out;
  } catch {
    return [];
  }
}

function procIpv6(): string[] {
  try {
    // Columns: address (32 hex digits), ifindex, prefix length, scope, flags, name.
    return readFileSync('/proc/net/if_inet6', 'utf8')
      .trim()
      .split('\n')
      .filter((l) => l.length >= 32)
      .map((l) => {
        const hex = l.slice(0, 32);
        const groups = hex.match(/.{4}/g)!.map((g) => parseInt(g, 16).toString(16));
        return formatAddressText(groups);
      });
  } catch {
    return [];
  }
}

/** Canonical text of eight hex groups (longest zero run compressed). */
function formatAddressText(groups: string[]): string {
  const words = [0, 2, 4, 6].map((i) => ((parseInt(groups[i]!, 16) << 16) | parseInt(groups[i + 1]!, 16)) >>> 0) as [number, number, number, number];
  return formatAddress(...words);
}
