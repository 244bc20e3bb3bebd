import type { PayloadAttackType } from './patterns.js';
import type { PartDecoding } from './request-parts.js';

/** Parts longer than this are not remembered (they rarely repeat, and keys stay small). */
export const MAX_REMEMBERED_CHARS = 512;
/** Values remembered per (types, decoding) set; the set starts over when full. */
export const MAX_REMEMBERED = 4096;

/**
 * Part values known to match none of a set of types: the same User-Agent, Accept, Cookie and
 * Host come with every request of a browsing session, and searching them once is enough.
 * Matching is a pure function of the value, its decoding and the types (the signatures of a
 * detector never change), so a remembered value gives the same answer a search would. Bounded:
 * a full set is cleared, so an attacker who sends ever new values only costs the search they
 * would have cost anyway.
 */
export class CleanParts {
  private readonly byTypes = new Map<readonly PayloadAttackType[], Map<PartDecoding, Set<string>>>();
  hits = 0;

  private set(types: readonly PayloadAttackType[], decoding: PartDecoding): Set<string> {
    let byDecoding = this.byTypes.get(types);
    if (byDecoding === undefined) this.byTypes.set(types, (byDecoding = new Map()));
    let set = byDecoding.get(decoding);
    if (set === undefined) byDecoding.set(decoding, (set = new Set()));
    return set;
  }

  has(types: readonly PayloadAttackType[], decoding: PartDecoding, raw: string): boolean {
    if (raw.length > MAX_REMEMBERED_CHARS) return false;
    const known = this.byTypes.get(types)?.get(decoding)?.has(raw) === true;
    if (known) this.hits++;
    return known;
  }

  add(types: readonly PayloadAttackType[], decoding: PartDecoding, raw: string): void {
    if (raw.length > MAX_REMEMBERED_CHARS) return;
    const set = this.set(types, decoding);
    if (set.size >= MAX_REMEMBERED) set.clear();
    set.add(raw);
  }
}
