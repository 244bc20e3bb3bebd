import type { BlockOutcome } from '../model/block-record.js';
import type { FleetStatus } from '../model/fleet-status.js';
import { DecisionBook, type NetworkDecisions } from './decision-book.js';
import { toFleetDecision, type FleetDecision } from './fleet-decision.js';
import { LapiError, type LapiClient, type RawDecision } from './lapi-client.js';

/** Where pulled decisions are enforced (the run's block manager, through the assembly). */
export interface FleetEnforcer {
  /** Blocks the network for its remaining time; null when it is already blocked here. */
  enforce(d: { network: string; remainingSeconds: number; origin: string; reason: string }): Promise<{ action: BlockOutcome; expiresAt: number } | null>;
  /** Lifts our block of a network that came from the fleet (never one this host decided). */
  lift(network: string): Promise<void>;
  /** Networks with an active block here, whoever decided it. */
  held(): ReadonlySet<string>;
  /** Networks whose active block here came from the fleet (restored from the history, too). */
  fromFleet(): string[];
}

export interface DecisionPullerOptions {
  client: LapiClient;
  enforcer: FleetEnforcer;
  status: FleetStatus;
  /** Seconds between pulls. */
  intervalSeconds: number;
  warn(line: string): void;
  now?: () => number;
}

/** Networks enforced per pull at most: a huge first list reaches the firewall over a few pulls. */
const ENFORCE_PER_PULL = 2048;

/**
 * The bouncer side: pulls `GET /v1/decisions/stream` (every active decision first, then what
 * changed), keeps the book, and has the block manager enforce each network for the time the
 * fleet gave it. A failed pull is followed by a full one (`startup=true`): a delta the API
 * counted as delivered may never have arrived. Runs on timers, never on the packet path.
 */
export class DecisionPuller {
  readonly book = new DecisionBook();
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private needStartup = true;
  private stopped = false;
  private failing = false;
  /** Networks being lifted because the fleet dropped them (not a person's `u`). */
  private readonly liftingForFleet = new Set<string>();

  constructor(private readonly o: DecisionPullerOptions) {
    this.now = o.now ?? Date.now;
  }

  start(): void {
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One pull and what follows from it (tests call it directly). */
  pull(): Promise<void> {
    this.running ??= this.cycle().finally(() => (this.running = null));
    return this.running;
  }

  /** Our block of `network` was lifted by the fleet itself (not by a person). */
  isFleetLift(network: string): boolean {
    return this.liftingForFleet.has(network);
  }

  /** The API's ids of the decisions held for `network` (all of them, or one origin's). */
  idsFor(network: string, origin?: string): number[] {
    const entry = this.book.get(network);
    if (entry === undefined) return [];
    return [...entry.ids].filter(([, o]) => origin === undefined || o === origin).map(([id]) => id);
  }

  /** A person lifted it here: never enforced again until the fleet decides anew. */
  markLifted(network: string): void {
    const entry = this.book.get(network);
    if (entry !== undefined) entry.state = 'lifted';
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.pull().finally(() => this.schedule(this.o.intervalSeconds * 1000)), ms);
    this.timer.unref();
  }

  private async cycle(): Promise<void> {
    const startup = this.needStartup;
    const status = this.o.status;
    let pulled: { new: RawDecision[]; deleted: RawDecision[] };
    try {
      pulled = await this.o.client.pullDecisions(startup);
    } catch (e) {
      this.needStartup = true;
      status.connected = false;
      status.errors.pull++;
      status.lastError = (e as Error).message;
      if (!this.failing) this.o.warn(`fleet: ${(e as Error).message}; retrying every ${this.o.intervalSeconds} s`);
      this.failing = true;
      if (e instanceof LapiError && e.status === 403) this.o.warn('fleet: the bouncer key was refused (cscli bouncers list shows the valid ones)');
      return;
    }
    if (this.failing) this.o.warn('fleet: decisions flow again from the Local API');
    this.failing = false;
    this.needStartup = false;
    const now = this.now();
    status.connected = true;
    status.lastPullAt = now;
    const valid = (list: RawDecision[]) => list.map(toFleetDecision).filter((d): d is FleetDecision => d !== null);
    const gone = this.book.apply(valid(pulled.new), valid(pulled.deleted), startup, now);
    this.book.expire(now);
    status.decisions = this.book.size;
    for (const entry of gone) await this.liftGone(entry);
    // A full list: fleet blocks kept from before (the history restored them at start) whose
    // decision is no longer there were deleted or ran out meanwhile.
    if (startup) for (const network of this.o.enforcer.fromFleet()) if (this.book.get(network) === undefined) await this.liftGone({ network, state: 'blocked' });
    await this.enforcePending(now);
  }

  private async liftGone(entry: Pick<NetworkDecisions, 'network' | 'state'>): Promise<void> {
    if (entry.state !== 'blocked') return;
    this.liftingForFleet.add(entry.network);
    try {
      await this.o.enforcer.lift(entry.network);
    } finally {
      this.liftingForFleet.delete(entry.network);
    }
  }

  /**
   * Enforces what is new, and again what is still decided after our own block of it ran out
   * (a longer decision arrived meanwhile). Suppressed, failed and lifted ones wait for a new decision.
   */
  private async enforcePending(now: number): Promise<void> {
    const due: NetworkDecisions[] = [];
    let held: ReadonlySet<string> | null = null;
    for (const entry of this.book.networks()) {
      if (due.length >= ENFORCE_PER_PULL) break;
      const ran = entry.state === 'blocked' || entry.state === 'held-here';
      const retry = ran && entry.until - now > 2000 && !(held ??= this.o.enforcer.held()).has(entry.network);
      if (entry.state === 'pending' || retry) due.push(entry);
    }
    await Promise.all(
      due.map(async (entry) => {
        const remainingSeconds = Math.round((entry.until - now) / 1000);
        if (remainingSeconds <= 0) return;
        try {
          const r = await this.o.enforcer.enforce({ network: entry.network, remainingSeconds, origin: entry.origin, reason: `${entry.scenario} (fleet: ${entry.origin})` });
          if (r === null) entry.state = 'held-here';
          else {
            entry.state = r.action === 'suppressed' ? 'suppressed' : r.action === 'block_failed' ? 'failed' : 'blocked';
            entry.enforcedUntil = r.expiresAt;
          }
        } catch {
          entry.state = 'failed';
        }
      }),
    );
  }
}
