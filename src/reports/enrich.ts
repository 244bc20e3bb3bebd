import { ReverseDnsResolver } from '../enrich/dns/index.js';
import { classifyAddress, GeoTagger, type GeoLookupFn, type GeoTag } from '../enrich/geo/index.js';
import { formatAddress, parseAddress } from '../net/address.js';

/** How the reports tag addresses; every part injectable for tests. */
export interface EnrichOptions {
  /** Loads the geo database; default geoip-lite (loaded only when a public address needs it). */
  geoLoader?: () => Promise<GeoLookupFn>;
  /** Ask reverse DNS for public addresses. Off: no query is sent, recorded names are used. */
  reverseDns: boolean;
  /** PTR lookup; default the system resolver (through ReverseDnsResolver). */
  resolveDns?: (ip: string) => Promise<string[]>;
  /** Overall deadline for all reverse-DNS answers, ms; default 3,000. Names not in by then are null. */
  dnsDeadlineMs?: number;
  /** Per-query timeout, ms; default 1,500. */
  dnsTimeoutMs?: number;
}

export interface AddressTags {
  /** Country code, 'LAN', 'RESERVED' or '??'. */
  country: string;
  region: string | null;
  city: string | null;
  /** Looked-up PTR name (only when reverse DNS is on and the answer came in time). */
  reverseDns: string | null;
}

export interface Enrichment {
  tags: Map<string, AddressTags>;
  /** 'not_needed' when no public address was asked about. */
  geoState: 'not_needed' | 'ready' | 'failed';
  geoError: string | null;
  dns: { enabled: boolean; asked: number; answered: number; named: number };
}

export const DEFAULT_DNS_DEADLINE_MS = 3000;
/** At most this many addresses are sent to reverse DNS (the resolver's queue bound). */
export const MAX_DNS_ADDRESSES = 256;

/** Canonical text of an address (so `::ffff:1.2.3.4` and `1.2.3.4` group), or the text itself if it is not one. */
export function addressKey(address: string): string {
  const w = parseAddress(address);
  return w === null ? address : formatAddress(w[0], w[1], w[2], w[3]);
}

/**
 * Country (and region, city) of every address, and reverse-DNS names of the first
 * MAX_DNS_ADDRESSES public ones when asked, all within one short deadline. `addresses` should be
 * canonical keys, most important first (DNS goes to the head of the list).
 */
export async function enrichAddresses(addresses: readonly string[], options: EnrichOptions): Promise<Enrichment> {
  const unique = [...new Set(addresses)];
  const publics = unique.filter((a) => classifyAddress(a) === 'PUBLIC');
  const geo = new GeoTagger(options.geoLoader ? { loader: options.geoLoader, cacheSize: unique.length + 1 } : { cacheSize: unique.length + 1 });
  const dnsNames = new Map<string, string | null>();
  const dnsWork = options.reverseDns ? lookupNames(publics.slice(0, MAX_DNS_ADDRESSES), options, dnsNames) : Promise.resolve();
  let geoState: Enrichment['geoState'] = 'not_needed';
  if (publics.length > 0) {
    await geo.ready();
    geoState = geo.stats().state === 'ready' ? 'ready' : 'failed';
  }
  await dnsWork;
  const tags = new Map<string, AddressTags>();
  for (const a of unique) {
    const tag: GeoTag = geo.lookup(a) ?? { country: '??', region: null, city: null };
    tags.set(a, { country: tag.country, region: tag.region, city: tag.city, reverseDns: dnsNames.get(a) ?? null });
  }
  let named = 0;
  for (const n of dnsNames.values()) if (n !== null) named++;
  return {
    tags,
    geoState,
    geoError: geo.stats().error,
    dns: {
      enabled: options.reverseDns,
      asked: options.reverseDns ? Math.min(publics.length, MAX_DNS_ADDRESSES) : 0,
      answered: dnsNames.size,
      named,
    },
  };
}

/** Resolves what it can before the deadline; later answers are dropped. Never rejects. */
async function lookupNames(addresses: readonly string[], options: EnrichOptions, out: Map<string, string | null>): Promise<void> {
  if (addresses.length === 0) return;
  const resolver = new ReverseDnsResolver({
    ...(options.resolveDns ? { resolve: options.resolveDns } : {}),
    timeoutMs: options.dnsTimeoutMs ?? 1500,
    maxQueue: MAX_DNS_ADDRESSES,
    concurrency: 8,
    cacheSize: MAX_DNS_ADDRESSES * 2,
  });
  const wanted = new Set(addresses);
  try {
    await new Promise<void>((done) => {
      const timer = setTimeout(done, Math.max(0, options.dnsDeadlineMs ?? DEFAULT_DNS_DEADLINE_MS));
      resolver.onResolved((address, name) => {
        if (!wanted.has(address) || out.has(address)) return;
        out.set(address, name);
        if (out.size === wanted.size) {
          clearTimeout(timer);
          done();
        }
      });
      for (const a of addresses) resolver.request(a);
    });
  } finally {
    resolver.close();
  }
}
