import type { FleetDecision } from './fleet-decision.js';

/** What this host did with the fleet's decisions for one network. */
export type Enforcement = 'pending' | 'blocked' | 'held-here' | 'suppressed' | 'failed' | 'lifted';

/** Every active decision for one network, and what became of it here. */
export interface NetworkDecisions {
  network: string;
  /** Decision id → its origin. */
  ids: Map<number, string>;
  /** Wall-clock ms when the last of them ends. */
  until: number;
  /** The newest decision's origin and scenario (what the Blocked pane shows). */
  origin: string;
  scenario: string;
  state: Enforcement;
  /** Wall-clock ms until which our block of it lasts (state blocked). */
  enforcedUntil: number;
}

/** Bounds the book: a Local API fed by community lists can hold tens of thousands of decisions. */
export const MAX_NETWORKS = 65_536;

/**
 * The decisions the stream has handed us, by network: a network is lifted only when its last
 * decision goes, a deletion the stream repeats (it does) changes nothing, and a startup pull
 * replaces the whole book.
 */
export class DecisionBook {
  private readonly byNetwork = new Map<string, NetworkDecisions>();
  private readonly byId = new Map<number, string>();
  /** Decisions refused because the book was full. */
  overflow = 0;

  get size(): number {
    return this.byId.size;
  }

  networks(): IterableIterator<NetworkDecisions> {
    return this.byNetwork.values();
  }

  get(network: string): NetworkDecisions | undefined {
    return this.byNetwork.get(network);
  }

  /**
   * Applies one pull. Returns the networks that no longer have any decision (to lift here).
   * `startup`: the pull lists every active decision; anything else in the book is gone.
   */
  apply(added: readonly FleetDecision[], deleted: readonly FleetDecision[], startup: boolean, nowMs: number): NetworkDecisions[] {
    const gone: NetworkDecisions[] = [];
    const keep = startup ? new Set(added.filter((d) => d.remainingSeconds > 0).map((d) => d.id)) : null;
    const drop = (id: number) => {
      const network = this.byId.get(id);
      if (network === undefined) return;
      this.byId.delete(id);
      const entry = this.byNetwork.get(network)!;
      entry.ids.delete(id);
      if (entry.ids.size === 0) {
        this.byNetwork.delete(network);
        gone.push(entry);
      }
    };
    for (const d of deleted) drop(d.id);
    if (keep !== null) for (const id of [...this.byId.keys()]) if (!keep.has(id)) drop(id);
    for (const d of added) {
      if (d.remainingSeconds <= 0 || this.byId.has(d.id)) continue;
      const until = nowMs + d.remainingSeconds * 1000;
      let entry = this.byNetwork.get(d.network);
      if (entry === undefined) {
        if (this.byNetwork.size >= MAX_NETWORKS) {
          this.overflow++;
          continue;
        }
        entry = { network: d.network, ids: new Map(), until, origin: d.origin, scenario: d.scenario, state: 'pending', enforcedUntil: 0 };
        this.byNetwork.set(d.network, entry);
      } else if (until > entry.until) {
        entry.until = until;
        entry.origin = d.origin;
        entry.scenario = d.scenario;
      }
      entry.ids.set(d.id, d.origin);
      this.byId.set(d.id, d.network);
    }
    return gone;
  }

  /** Forgets networks whose decisions have all run out (the API drops them on its own). */
  expire(nowMs: number): void {
    for (const [network, entry] of this.byNetwork) {
      if (entry.until > nowMs) continue;
      this.byNetwork.delete(network);
      for (const id of entry.ids.keys()) this.byId.delete(id);
    }
  }
}
