import type { Alert } from '../model/alert.js';
import type { Engine } from './engine.js';
import type { PacketFeed } from './feed/packet-feed.js';
import type { GeoTagger } from '../enrich/geo/index.js';
import type { FeedState, Snapshot } from './protocol.js';
import type { FlowSummary } from '../model/flow-summary.js';
import { describeSession } from './feed/own-session.js';
import type { FeedLookups } from './feed/packet-subject.js';
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
  /** Attackers of every alert so far, for the feed filter's `alert` term (bounded). */
  private readonly alerted = new Set<string>();
  private seq = 0;
  private lastPublished = 0;
  private feedMark = 0;
  private feedGeneration = -1;
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
    feed.lookups = this.lookups();
  }

  /** What the feed filter asks of the run about a packet. */
  private lookups(): FeedLookups {
    const engine = this.engine;
    return {
      processOf: (uid) => engine.processTagger?.processOf(uid)?.name ?? null,
      processPending: (uid) => engine.processTagger?.isPending(uid) ?? false,
      countryOf: (src, dst) => (engine.geo === null ? null : remoteCountry(engine.geo, src, dst)),
      alerted: (address) => this.alerted.has(address),
    };
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
    if (!this.alerted.has(alert.attacker_ip)) {
      if (this.alerted.size >= 65_536) this.alerted.delete(this.alerted.values().next().value as string);
      this.alerted.add(alert.attacker_ip);
    }
  }

  /** The feed's state as the UI sees it. */
  feedState(): FeedState {
    const feed = this.feed;
    return {
      filter: feed.filterText,
      generation: feed.generation,
      shown: feed.written,
      own: { sessions: feed.own.sessions.map(describeSession), packets: feed.ownPackets, bytes: feed.ownBytes, hidden: feed.hideOwn },
    };
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
    const feed = this.feed;
    feed.settle();
    if (feed.generation !== this.feedGeneration) {
      // Chosen anew (filter or own-traffic setting): the UI drops what it holds and starts from here.
      this.feedGeneration = feed.generation;
      this.feedMark = 0;
    }
    const written = feed.written;
    const newPackets = feed.shown.since(this.feedMark, this.maxPackets);
    // Packets decided late (they waited for their process) sit after newer ones in the ring.
    newPackets.sort((a, b) => a.tsMicros - b.tsMicros);
    const flows = this.engine.pipeline.flows.top(this.maxFlows + 4).filter((f) => !(feed.hideOwn && feed.own.matchesEnds(f.proto, f.origAddr, f.origPort, f.respAddr, f.respPort))).slice(0, this.maxFlows);
    const snapshot: Snapshot = {
      seq: ++this.seq,
      ts: Date.now(),
      packetTimeMicros: this.engine.pipeline.lastTsMicros,
      stats: this.engine.stats(),
      newPackets,
      skippedPackets: written - this.feedMark - newPackets.length,
      flows,
      newAlerts: [...this.pendingAlerts.values()],
      blocks: this.blocks.active().map((b) => ({ ...b })),
      feed: this.feedState(),
      fleet: this.fleet(),
    };
    const geo = this.engine.geo;
    if (geo !== null) {
      for (const p of newPackets) p.country = remoteCountry(geo, p.src, p.dst);
      for (const f of snapshot.flows) f.country = remoteCountry(geo, f.respAddr, f.origAddr);
      for (const b of snapshot.blocks) b.country ??= geo.lookup(b.address)?.country ?? null;
    }
    nameProcesses(this.engine, newPackets, snapshot.flows);
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

function nameProcesses(engine: Engine, packets: { flowUid: number; process: string | null }[], flows: FlowSummary[]): void {
  const tagger = engine.processTagger;
  if (tagger === null) return;
  for (const p of packets) p.process = tagger.processOf(p.flowUid)?.name ?? null;
  for (const f of flows) f.process = tagger.processOf(f.uid)?.name ?? null;
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
