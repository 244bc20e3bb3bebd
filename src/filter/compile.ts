import { parseAddress } from '../net/address.js';
import { CidrSet } from '../net/cidr-set.js';
import type { FilterNode } from './ast.js';
import type { FilterSubject } from './subject.js';

/**
 * Turns a tree into a closure. Everything that costs (regexes, CIDR masks, state sets) is built
 * here once; the closures only compare, loop over the subject's short arrays and read a cache,
 * because they run for every row of every frame.
 */

export type Matcher = (subject: FilterSubject) => boolean;

export const matchAll: Matcher = () => true;

export function compileNode(node: FilterNode): Matcher {
  switch (node.kind) {
    case 'all':
      return matchAll;
    case 'and':
      return compileAnd(node.items.map(compileNode));
    case 'or':
      return compileOr(node.items.map(compileNode));
    case 'not': {
      const item = compileNode(node.item);
      return (s) => !item(s);
    }
    case 'process':
      return compileProcess(node.name);
    case 'port': {
      const { low, high } = node;
      return (s) => {
        const ports = s.ports;
        for (let i = 0; i < ports.length; i++) {
          const p = ports[i]!;
          if (p >= low && p <= high) return true;
        }
        return false;
      };
    }
    case 'ip':
      return compileIp(node.cidr);
    case 'status': {
      const states = new Set(node.states);
      return (s) => s.state !== null && states.has(s.state);
    }
    case 'country':
      return compileCaseless(node.code, (s) => s.country);
    case 'proto':
      return compileCaseless(node.proto, (s) => s.proto);
    case 'alert':
      return (s) => s.hasAlert;
  }
}

// Two-item chains are by far the commonest (`port 22 and country CN`): no loop for them.
function compileAnd(items: readonly Matcher[]): Matcher {
  if (items.length === 2) {
    const [a, b] = items as [Matcher, Matcher];
    return (s) => a(s) && b(s);
  }
  return (s) => {
    for (let i = 0; i < items.length; i++) if (!items[i]!(s)) return false;
    return true;
  };
}

function compileOr(items: readonly Matcher[]): Matcher {
  if (items.length === 2) {
    const [a, b] = items as [Matcher, Matcher];
    return (s) => a(s) || b(s);
  }
  return (s) => {
    for (let i = 0; i < items.length; i++) if (items[i]!(s)) return true;
    return false;
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function compileProcess(name: string | null): Matcher {
  // An empty name is what a subject without a resolved owner may carry as well as null.
  if (name === null) return (s) => s.process === null || s.process === '';
  // A case-insensitive regex searches without lower-casing (allocating) the subject's name.
  const re = new RegExp(escapeRegExp(name), 'i');
  return (s) => s.process !== null && re.test(s.process);
}

/**
 * Equality ignoring case. `wanted` is in the case subjects normally carry (upper for
 * countries, lower for protocols), so the allocating toLowerCase runs only on a same-length
 * miss.
 */
function compileCaseless(wanted: string, field: (s: FilterSubject) => string | null): Matcher {
  const lower = wanted.toLowerCase();
  return (s) => {
    const v = field(s);
    return v !== null && (v === wanted || (v.length === wanted.length && v.toLowerCase() === lower));
  };
}

function compileIp(cidr: string): Matcher {
  const set = new CidrSet();
  set.add(cidr); // validated by the parser with the same rules, so this does not throw
  return (s) => {
    const addresses = s.addresses;
    for (let i = 0; i < addresses.length; i++) {
      const w = addressWords(addresses[i]!);
      if (w !== null && set.has(w[0], w[1], w[2], w[3])) return true;
    }
    return false;
  };
}

type Words = readonly [number, number, number, number];

/**
 * Subjects carry addresses as text; parsing one per row per frame would allocate, so parsed
 * forms are cached, shared by every filter. Bounded like every table: when full it is emptied and
 * refills with what is on screen now, which is cheaper than tracking recency per lookup.
 */
export const ADDRESS_CACHE_LIMIT = 16_384;
const addressCache = new Map<string, Words | null>();

function addressWords(text: string): Words | null {
  let w = addressCache.get(text);
  if (w === undefined) {
    if (addressCache.size >= ADDRESS_CACHE_LIMIT) addressCache.clear();
    w = parseAddress(text);
    addressCache.set(text, w);
  }
  return w;
}

/** For tests: how many parsed addresses the cache holds. */
export function addressCacheSize(): number {
  return addressCache.size;
}
