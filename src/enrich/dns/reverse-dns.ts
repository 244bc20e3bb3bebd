import { Resolver } from 'node:dns/promises';
import { formatAddress, parseAddress } from '../../net/address.js';
import { classifyAddress } from '../geo/special-ranges.js';

/**
 * Reverse DNS (PTR) names of remote addresses, off the packet path: `request()` only queues,
 * `get()` only reads the cache, queries run in the background with a timeout, a bounded queue,
 * bounded concurrency, and an LRU cache with separate lifetimes for names, "no name" answers and
 * failures. Nothing here throws or blocks the caller.
 *
 * LAN and RESERVED addresses (the geo classifier's ranges) are not queried unless
 * `resolveSpecial` says so: a PTR query for 10.x or fd00:: goes to the upstream resolver and tells
 * it about our private network. Their name is null.
 *
 * Names are attacker-controlled text (whoever runs the reverse zone writes them): they are kept
 * raw, only the first name is kept and it is cut at 253 characters. The UI's display sanitizer
 * escapes them before they reach the screen.
 *
 * Addresses are keyed by their canonical form (dotted quad for IPv4 and IPv4-mapped IPv6, RFC 5952
 * IPv6, zone id dropped); `onResolved` reports that form.
 */

export interface ReverseDnsOptions {
  /** PTR lookup; default: `reverse` of `resolver`. */
  resolve?: (ip: string) => Promise<string[]>;
  /** The resolver to ask (its queries are cancelled on close); default: an own `dns.promises.Resolver` (system servers, one try). */
  resolver?: PtrResolver;
  /** Per-query limit; default 1,500 ms. */
  timeoutMs?: number;
  /** Most addresses waiting for a query; default 256. When full, the oldest waiting one is dropped (counted). */
  maxQueue?: number;
  /** Most queries in flight; default 4. */
  concurrency?: number;
  /** Most answers remembered (LRU); default 4,096. */
  cacheSize?: number;
  /** How long "no name" (NXDOMAIN / no PTR record) is remembered; default 10 minutes. */
  negativeTtlMs?: number;
  /** How long a name is remembered; default 1 hour. */
  positiveTtlMs?: number;
  /** How long a failure or timeout is remembered (as "no name") before asking again; default 60 s. */
  errorTtlMs?: number;
  /** Also query LAN / RESERVED addresses (they leak to the upstream resolver); default false. */
  resolveSpecial?: boolean;
  /** Clock for the cache lifetimes (ms); default Date.now. */
  now?: () => number;
}

/** What the resolver needs of `dns.promises.Resolver`. */
export interface PtrResolver {
  reverse(ip: string): Promise<string[]>;
  cancel(): void;
}

export interface ReverseDnsStats {
  /** Addresses waiting for a query. */
  queued: number;
  inFlight: number;
  /** Queries answered: a name or a definite "no name". */
  resolved: number;
  /** Queries that failed with another error (SERVFAIL, refused, …). */
  failed: number;
  timedOut: number;
  /** Waiting addresses dropped because the queue was full. */
  dropped: number;
  cacheSize: number;
  /** Requests not sent: LAN / RESERVED / invalid addresses. */
  skipped: number;
  /** Requests for an address already cached, waiting or in flight. */
  deduplicated: number;
  /** Cache entries pushed out by newer ones. */
  evicted: number;
}

export const MAX_NAME_LENGTH = 253;

const DEFAULTS = {
  timeoutMs: 1500,
  maxQueue: 256,
  concurrency: 4,
  cacheSize: 4096,
  negativeTtlMs: 10 * 60_000,
  positiveTtlMs: 60 * 60_000,
  errorTtlMs: 60_000,
};

/** Error codes that mean "this address has no PTR record", a definite answer. */
const NO_NAME_CODES = new Set(['ENOTFOUND', 'ENODATA', 'NOTFOUND', 'NODATA', 'ENONAME']);
const TIMEOUT_CODES = new Set(['ETIMEOUT', 'ETIMEDOUT']);

interface CacheEntry {
  name: string | null;
  expires: number;
}

type Outcome = { kind: 'name'; names: unknown } | { kind: 'error'; err: unknown } | { kind: 'timeout' };

export class ReverseDnsResolver {
  private readonly resolveFn: (ip: string) => Promise<string[]>;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private readonly concurrency: number;
  private readonly cacheSize: number;
  private readonly negativeTtlMs: number;
  private readonly positiveTtlMs: number;
  private readonly errorTtlMs: number;
  private readonly resolveSpecial: boolean;
  private readonly now: () => number;

  private resolver: PtrResolver | null = null;
  private readonly cache = new Map<string, CacheEntry>();
  /** Waiting addresses in arrival order (a Set keeps order and gives O(1) membership and removal). */
  private readonly queue = new Set<string>();
  private readonly inFlight = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly listeners = new Set<(address: string, name: string | null) => void>();
  private pumpScheduled = false;
  private closed = false;
  private counters = { resolved: 0, failed: 0, timedOut: 0, dropped: 0, skipped: 0, deduplicated: 0, evicted: 0 };

  constructor(options: ReverseDnsOptions = {}) {
    this.timeoutMs = positive(options.timeoutMs, DEFAULTS.timeoutMs);
    this.maxQueue = positiveInt(options.maxQueue, DEFAULTS.maxQueue);
    this.concurrency = positiveInt(options.concurrency, DEFAULTS.concurrency);
    this.cacheSize = positiveInt(options.cacheSize, DEFAULTS.cacheSize);
    this.negativeTtlMs = nonNegative(options.negativeTtlMs, DEFAULTS.negativeTtlMs);
    this.positiveTtlMs = nonNegative(options.positiveTtlMs, DEFAULTS.positiveTtlMs);
    this.errorTtlMs = nonNegative(options.errorTtlMs, DEFAULTS.errorTtlMs);
    this.resolveSpecial = options.resolveSpecial ?? false;
    this.now = options.now ?? Date.now;
    this.resolver = options.resolver ?? null;
    this.resolveFn = options.resolve ?? ((ip) => this.systemResolver().reverse(ip));
  }

  /** Asks for the name of an address in the background; no-op when it is known, waiting or in flight. */
  request(address: string): void {
    if (this.closed) return;
    const key = this.keyOf(address);
    if (key === null) {
      this.counters.skipped++;
      return;
    }
    if (this.queue.has(key) || this.inFlight.has(key) || this.fresh(key) !== undefined) {
      this.counters.deduplicated++;
      return;
    }
    if (this.queue.size >= this.maxQueue) {
      const oldest = this.queue.values().next().value;
      if (oldest !== undefined) this.queue.delete(oldest);
      this.counters.dropped++;
    }
    this.queue.add(key);
    this.schedulePump();
  }

  /** The name (string), no name (null), or not known yet (undefined: never asked, waiting, or expired). */
  get(address: string): string | null | undefined {
    let entry = this.fresh(address);
    if (entry === undefined) {
      const w = parseAddress(address);
      if (w === null) return null;
      const canonical = formatAddress(w[0], w[1], w[2], w[3]);
      if (!this.resolveSpecial && classifyAddress(canonical) !== 'PUBLIC') return null;
      if (canonical === address) return undefined;
      entry = this.fresh(canonical);
      if (entry === undefined) return undefined;
    }
    return entry.name;
  }

  /** Called after every completed query (name, no name, failure or timeout → null). Returns an unsubscribe function. */
  onResolved(cb: (address: string, name: string | null) => void): () => void {
    this.listeners.add(cb);
    return () => {
      this.listeners.delete(cb);
    };
  }

  stats(): ReverseDnsStats {
    return {
      queued: this.queue.size,
      inFlight: this.inFlight.size,
      resolved: this.counters.resolved,
      failed: this.counters.failed,
      timedOut: this.counters.timedOut,
      dropped: this.counters.dropped,
      cacheSize: this.cache.size,
      skipped: this.counters.skipped,
      deduplicated: this.counters.deduplicated,
      evicted: this.counters.evicted,
    };
  }

  /** Stops: drops waiting requests, abandons queries in flight (their answers are ignored), cancels the system resolver's queries. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.clear();
    for (const timer of this.inFlight.values()) clearTimeout(timer);
    this.inFlight.clear();
    this.listeners.clear();
    try {
      this.resolver?.cancel();
    } catch {
      // nothing to cancel
    }
  }

  private systemResolver(): PtrResolver {
    // One try, short timeout: a slow PTR is worth less than a free slot.
    this.resolver ??= new Resolver({ timeout: Math.ceil(this.timeoutMs), tries: 1 });
    return this.resolver;
  }

  /** Canonical key of an address worth querying, or null (invalid, or special and not allowed). */
  private keyOf(address: string): string | null {
    const w = parseAddress(address);
    if (w === null) return null;
    const key = formatAddress(w[0], w[1], w[2], w[3]);
    if (!this.resolveSpecial && classifyAddress(key) !== 'PUBLIC') return null;
    return key;
  }

  /** The unexpired cache entry under exactly this key (refreshed as most recently used), else undefined. */
  private fresh(key: string): CacheEntry | undefined {
    const entry = this.cache.get(key);
    if (entry === undefined) return undefined;
    this.cache.delete(key);
    if (entry.expires <= this.now()) return undefined;
    this.cache.set(key, entry);
    return entry;
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.closed && this.inFlight.size < this.concurrency && this.queue.size > 0) {
      const key = this.queue.values().next().value as string;
      this.queue.delete(key);
      this.start(key);
    }
  }

  private start(key: string): void {
    let settled = false;
    const finish = (outcome: Outcome): void => {
      if (settled) return;
      settled = true;
      const timer = this.inFlight.get(key);
      if (timer !== undefined) clearTimeout(timer);
      if (this.closed) return;
      this.inFlight.delete(key);
      this.complete(key, outcome);
      this.schedulePump();
    };
    const timer = setTimeout(() => finish({ kind: 'timeout' }), this.timeoutMs);
    timer.unref?.();
    this.inFlight.set(key, timer);
    let pending: Promise<string[]>;
    try {
      pending = Promise.resolve(this.resolveFn(key));
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending.then(
      (names) => finish({ kind: 'name', names }),
      (err: unknown) => finish({ kind: 'error', err }),
    );
  }

  private complete(key: string, outcome: Outcome): void {
    let name: string | null = null;
    let ttl: number;
    if (outcome.kind === 'name') {
      name = firstName(outcome.names);
      ttl = name === null ? this.negativeTtlMs : this.positiveTtlMs;
      this.counters.resolved++;
    } else if (outcome.kind === 'timeout' || TIMEOUT_CODES.has(errorCode(outcome.err))) {
      ttl = this.errorTtlMs;
      this.counters.timedOut++;
    } else if (NO_NAME_CODES.has(errorCode(outcome.err))) {
      ttl = this.negativeTtlMs;
      this.counters.resolved++;
    } else {
      ttl = this.errorTtlMs;
      this.counters.failed++;
    }
    this.store(key, name, ttl);
    for (const cb of this.listeners) {
      try {
        cb(key, name);
      } catch {
        // a listener's failure is its own; the others still hear
      }
    }
  }

  private store(key: string, name: string | null, ttl: number): void {
    this.cache.delete(key);
    this.cache.set(key, { name, expires: this.now() + ttl });
    while (this.cache.size > this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest === undefined) break;
      this.cache.delete(oldest);
      this.counters.evicted++;
    }
  }
}

/** The first name of a PTR answer, cut at 253 characters; null when there is none. Not sanitised. */
function firstName(names: unknown): string | null {
  if (!Array.isArray(names) || names.length === 0) return null;
  const first: unknown = names[0];
  if (typeof first !== 'string' || first === '') return null;
  return first.length > MAX_NAME_LENGTH ? first.slice(0, MAX_NAME_LENGTH) : first;
}

function errorCode(err: unknown): string {
  if (typeof err !== 'object' || err === null) return '';
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : '';
}

function positive(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
}

function positiveInt(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 1 ? Math.floor(v) : fallback;
}

function nonNegative(v: number | undefined, fallback: number): number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : fallback;
}
