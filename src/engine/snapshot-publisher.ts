import type { Alert } from '../model/alert.js';
import type { Engine } from './engine.js';
import type { PacketFeed } from './feed/packet-feed.js';
import type { GeoTagger } from '../enrich/geo/index.js';
import type { Snapshot } from './protocol.js';
import type { RunSink } from '../sinks/run-sink.js';
import type { BlockRecord } from '../model/block-record.js';
import type { FleetStatus } from '../model/fleet-status.js';

export interface SnapshotPublisherOptions {
  /** Minimum wall-clock time between snapshots (default 100 ms: ~10 a second). */
  intervalMs?: number;
  /** Packets a snapshot carries at most; the UI shows a window of them anyway. */
  maxPackets?: number;
  /** Flows a snapshot carries. */
  maxFlows?: number;
  /** The run's standing with its CrowdSec Local API (header). */
  fleet?: () => FleetStatus | null;
}

/**
 * Turns the running engine into snapshots for the UI, at most one per interval, and never a
 * second one while the previous is still in the IPC pipe (a slow UI gets fewer, fresher
 * snapshots instead of a growing backlog). Called from a timer and from the packet path,
 * because under a flood the packet loop starves timers.
 */
export class SnapshotPublisher {
  private readonly intervalMs: number;
  private readonly maxPackets: number;
  private readonly maxFlows: number;
  private readonly fleet: () => FleetStatus | null;
  private readonly pendingAlerts = new Map<string, Alert>();
  private seq = 0;
  private lastPublished = 0;
  private feedMark = 0;
  private inFlight = false;
  /** A publish was asked for while one was in flight: send again as soon as it lands. */
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  paused = false;

  constructor(
    private readonly engine: Engine,
    private readonly feed: PacketFeed,
    private readonly send: (snapshot: Snapshot, done: () => void) => void,
    private readonly blocks: { active(): BlockRecord[] },
    options: SnapshotPublisherOptions = {},
  ) {
    this.intervalMs = options.intervalMs ?? 100;
    this.maxPackets = options.maxPackets ?? 100;
    this.maxFlows = options.maxFlows ?? 50;
    this.fleet = options.fleet ?? (() => null);
  }

  /** The publisher as an output of the run: alerts ride the next snapshot, a block or unblock publishes at once. */
  readonly sink: RunSink = {
    alert: (alert) => this.noteAlert(alert),
    response: () => this.publish(),
  };

  start(): void {
    this.timer = setInterval(() => this.maybePublish(), this.intervalMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  noteAlert(alert: Alert): void {
    this.pendingAlerts.set(alert.id, alert);
  }

  maybePublish(): void {
    if (this.paused || this.inFlight) return;
    const now = performance.now();
    if (now - this.lastPublished < this.intervalMs) return;
    this.publish();
  }

  /** Publishes at once (end of a replay), unless one is still in flight. */
  publish(): void {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.lastPublished = performance.now();
    const written = this.feed.written;
    const newPackets = this.feed.since(this.feedMark, this.maxPackets);
    const snapshot: Snapshot = {
      seq: ++this.seq,
      ts: Date.now(),
      packetTimeMicros: this.engine.pipeline.lastTsMicros,
      stats: this.engine.stats(),
      newPackets,
      skippedPackets: written - this.feedMark - newPackets.length,
      flows: this.engine.pipeline.flows.top(this.maxFlows),
      newAlerts: [...this.pendingAlerts.values()],
      blocks: this.blocks.active(),
      fleet: this.fleet(),
    };
    const geo = this.engine.geo;
    if (geo !== null) {
      for (const p of newPackets) p.country = remoteCountry(geo, p.src, p.dst);
      for (const f of snapshot.flows) f.country = remoteCountry(geo, f.respAddr, f.origAddr);
    }
    const tagger = this.engine.processTagger;
    if (tagger !== null) {
      for (const p of newPackets) p.process = tagger.processOf(p.flowUid)?.name ?? null;
      for (const f of snapshot.flows) f.process = tagger.processOf(f.uid)?.name ?? null;
    }
    this.feedMark = written;
    this.pendingAlerts.clear();
    this.inFlight = true;
    this.send(snapshot, () => {
      this.inFlight = false;
      if (this.again) {
        this.again = false;
        this.publish();
      }
    });
  }
}

/**
 * The tag of the end that is not ours: the first address that is public, else the first one's
 * LAN/RESERVED label. Cached lookups; null while the geo database loads.
 */
function remoteCountry(geo: GeoTagger, first: string, second: string): string | null {
  const a = geo.lookup(first);
  if (a !== null && a.country !== 'LAN' && a.country !== 'RESERVED') return a.country;
  const b = geo.lookup(second);
  if (b !== null && b.country !== 'LAN' && b.country !== 'RESERVED') return b.country;
  // A public end whose country is not known yet (tables loading): unknown, not the private end's tag.
  if (a === null || b === null) return null;
  return a.country;
}
