import { classifyForLookup } from './special-ranges.js';

/**
 * Country (and region, city) of a remote address, for the engine's enrichment of alerts and
 * flows. Private, loopback, link-local and CGNAT space says `LAN`; documentation, multicast,
 * benchmarking and other non-routable space says `RESERVED`; both without the database. Public
 * addresses go to `geoip-lite`, which is loaded lazily: its data is ~140 MB of buffers (a bare
 * Node process goes from ~40 to ~185 MB RSS) and its module body reads every data file with
 * readSync, stalling the event loop for the whole load (~100-135 ms compiled, warm page cache;
 * 150-330 ms under tsx or cold). So it is imported on the first public lookup or on `ready()`,
 * never at module load, and only in the engine process, never in the UI. An engine that wants
 * the stall out of the packet path calls `ready()` before it opens the capture.
 *
 * `lookup` is synchronous and cheap: a cache hit, a structural range check, or (once the database
 * is loaded) one binary search in geoip-lite's buffers. While the database is loading, public
 * addresses answer null ("no tag yet"); `ready()` says when to ask again.
 */

export interface GeoTag {
  /** ISO 3166-1 alpha-2 ('US' …), or 'LAN' | 'RESERVED' | '??' (unknown / database unavailable). */
  readonly country: string;
  readonly region: string | null;
  readonly city: string | null;
}

/** What a geo database answers for one address (geoip-lite's `lookup` fits). */
export interface GeoRecord {
  country?: string | null;
  region?: string | null;
  city?: string | null;
}
export type GeoLookupFn = (ip: string) => GeoRecord | null | undefined;

export interface GeoTaggerOptions {
  /** Loads the database; default: dynamic import of geoip-lite. Called at most once. */
  loader?: () => Promise<GeoLookupFn>;
  /** Most addresses remembered (LRU); default 10,000. */
  cacheSize?: number;
}

export type GeoLoadState = 'idle' | 'loading' | 'ready' | 'failed';

export interface GeoTaggerStats {
  state: GeoLoadState;
  /** Milliseconds the loader took (set once it settled). */
  loadMs: number | null;
  /** One line saying why the database could not be loaded; null when it could (or has not been tried). */
  error: string | null;
  lookups: number;
  cacheHits: number;
  /** Answered LAN / RESERVED / ?? from the address alone (invalid addresses count here too). */
  special: number;
  databaseLookups: number;
  /** Public addresses the database has no country for (or could not be asked about). */
  unknown: number;
  /** Public lookups answered null because the database was still loading. */
  pendingWhileLoading: number;
  cacheSize: number;
  cacheCapacity: number;
  evictions: number;
}

const LAN: GeoTag = Object.freeze({ country: 'LAN', region: null, city: null });
const RESERVED: GeoTag = Object.freeze({ country: 'RESERVED', region: null, city: null });
const UNKNOWN: GeoTag = Object.freeze({ country: '??', region: null, city: null });

const DEFAULT_CACHE_SIZE = 10_000;

/** The default loader: geoip-lite 1.4.x (CommonJS; its module body loads the data files). */
export async function loadGeoipLite(): Promise<GeoLookupFn> {
  const mod = await import('geoip-lite');
  // Under ESM, geoip-lite's object-literal exports are only reachable through `default`.
  const api = (mod.default ?? mod) as { lookup?: unknown };
  const lookup = api.lookup;
  if (typeof lookup !== 'function') throw new Error('geoip-lite has no lookup function');
  return (ip) => (lookup as (ip: string) => GeoRecord | null).call(api, ip);
}

export class GeoTagger {
  private readonly loader: () => Promise<GeoLookupFn>;
  private readonly capacity: number;
  private readonly cache = new Map<string, GeoTag>();
  private state: GeoLoadState = 'idle';
  private db: GeoLookupFn | null = null;
  private loading: Promise<void> | null = null;
  private loadMs: number | null = null;
  private error: string | null = null;
  private counters = { lookups: 0, cacheHits: 0, special: 0, databaseLookups: 0, unknown: 0, pendingWhileLoading: 0, evictions: 0 };

  constructor(options: GeoTaggerOptions = {}) {
    this.loader = options.loader ?? loadGeoipLite;
    const size = options.cacheSize ?? DEFAULT_CACHE_SIZE;
    this.capacity = Number.isFinite(size) && size >= 1 ? Math.floor(size) : DEFAULT_CACHE_SIZE;
  }

  /**
   * The tag for an address in any text form (IPv4, IPv6 compressed or not, IPv4-mapped, with a
   * zone id). Null only for a public address while the database is loading. Never throws.
   */
  lookup(address: string): GeoTag | null {
    this.counters.lookups++;
    const cached = this.cache.get(address);
    if (cached !== undefined) {
      this.counters.cacheHits++;
      this.cache.delete(address);
      this.cache.set(address, cached);
      return cached;
    }
    const { cls, lookupText } = classifyForLookup(address);
    if (cls !== 'PUBLIC' || lookupText === null) {
      this.counters.special++;
      const tag = cls === 'LAN' ? LAN : cls === 'RESERVED' ? RESERVED : UNKNOWN;
      this.remember(address, tag);
      return tag;
    }
    switch (this.state) {
      case 'idle':
        this.startLoad();
        this.counters.pendingWhileLoading++;
        return null;
      case 'loading':
        this.counters.pendingWhileLoading++;
        return null;
      case 'failed':
        // Not cached: the answer is the same for every public address, and caching it would
        // only push real entries out.
        this.counters.unknown++;
        return UNKNOWN;
      case 'ready': {
        const tag = this.query(lookupText);
        this.remember(address, tag);
        return tag;
      }
    }
  }

  /** Starts loading the database if nobody has; resolves once it is loaded or has failed (never rejects). */
  ready(): Promise<void> {
    return this.startLoad();
  }

  stats(): GeoTaggerStats {
    return {
      state: this.state,
      loadMs: this.loadMs,
      error: this.error,
      ...this.counters,
      cacheSize: this.cache.size,
      cacheCapacity: this.capacity,
    };
  }

  private startLoad(): Promise<void> {
    if (this.loading !== null) return this.loading;
    this.state = 'loading';
    const started = performance.now();
    // The loader runs after the current call returns: lookup() stays synchronous and cheap.
    this.loading = Promise.resolve()
      .then(() => this.loader())
      .then((fn) => {
        if (typeof fn !== 'function') throw new Error('the geo loader did not return a lookup function');
        this.loadMs = Math.round(performance.now() - started);
        this.db = fn;
        this.state = 'ready';
      })
      .catch((err: unknown) => {
        this.loadMs = Math.round(performance.now() - started);
        this.db = null;
        this.error = `geo database unavailable: ${oneLine(err)}`;
        this.state = 'failed';
      });
    return this.loading;
  }

  private query(ip: string): GeoTag {
    this.counters.databaseLookups++;
    let rec: GeoRecord | null | undefined;
    try {
      rec = this.db!(ip);
    } catch {
      rec = null;
    }
    const country = rec && typeof rec.country === 'string' && rec.country !== '' ? rec.country : null;
    if (country === null) {
      this.counters.unknown++;
      return UNKNOWN;
    }
    return Object.freeze({ country, region: nonEmpty(rec!.region), city: nonEmpty(rec!.city) });
  }

  private remember(address: string, tag: GeoTag): void {
    this.cache.set(address, tag);
    if (this.cache.size > this.capacity) {
      // Map iteration order is insertion order; hits re-insert, so the first key is the LRU one.
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
      this.counters.evictions++;
    }
  }
}

function nonEmpty(v: string | null | undefined): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function oneLine(err: unknown): string {
  // geoip-lite throws plain objects too ({ code: 'EMPTY_FILE' }).
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
  let text = err instanceof Error ? err.message : typeof code === 'string' ? '' : String(err);
  if (typeof code === 'string' && !text.includes(code)) text = text === '' ? code : `${text} (${code})`;
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 199)}…` : line || 'unknown error';
}

