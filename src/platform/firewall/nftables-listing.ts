import { canonicalCidr } from '../../net/canonical.js';
import type { FirewallEntry } from './firewall.js';

type Json = Record<string, unknown>;

/** Entries of our sets from `nft -j list table inet snoopy`; unknown shapes are skipped. */
export function parseNftSetListing(text: string): FirewallEntry[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (!isObject(doc)) return [];
  const items = doc.nftables;
  if (!Array.isArray(items)) return [];
  const out: FirewallEntry[] = [];
  for (const item of items as unknown[]) {
    const set = isObject(item) ? item.set : undefined;
    if (!isObject(set) || !Array.isArray(set.elem)) continue;
    const name = set.name;
    const family = name === 'addr4' || name === 'net4' || name === 'port4' ? 4 : name === 'addr6' || name === 'net6' || name === 'port6' ? 6 : null;
    if (family === null) continue;
    const withPort = name === 'port4' || name === 'port6';
    for (const raw of set.elem as unknown[]) {
      const entry = parseElement(raw, family, withPort);
      if (entry !== null) out.push(entry);
    }
  }
  return out;
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseElement(raw: unknown, family: 4 | 6, withPort: boolean): FirewallEntry | null {
  // Elements with a timeout are {"elem": {"val": …, "timeout": s, "expires": s}}; others are bare values.
  let val: unknown = raw;
  let remaining: number | null = null;
  if (isObject(raw) && 'elem' in raw) {
    const e = raw.elem;
    if (!isObject(e)) return null;
    val = e.val;
    if (typeof e.expires === 'number') remaining = e.expires;
    else if (typeof e.timeout === 'number') remaining = e.timeout;
  }
  let netPart: unknown = val;
  let port: FirewallEntry['port'] = null;
  if (withPort) {
    const concat = (val as { concat?: unknown[] } | null)?.concat;
    if (!Array.isArray(concat) || concat.length !== 3) return null;
    const [net, proto, num] = concat;
    if ((proto !== 'tcp' && proto !== 'udp') || typeof num !== 'number') return null;
    netPart = net;
    port = { protocol: proto, number: num };
  }
  const cidr = networkText(netPart, family);
  return cidr === null ? null : { cidr, family, port, remainingSeconds: remaining };
}

function networkText(v: unknown, family: 4 | 6): string | null {
  if (typeof v === 'string') return canonicalCidr(v.includes('/') ? v : `${v}/${family === 4 ? 32 : 128}`);
  const prefix = (v as { prefix?: { addr?: unknown; len?: unknown } } | null)?.prefix;
  if (prefix && typeof prefix.addr === 'string' && typeof prefix.len === 'number') return canonicalCidr(`${prefix.addr}/${prefix.len}`);
  // A range (interval sets merge adjacent entries) is not something we add: skip it.
  return null;
}
