import type { Alert } from '../../model/alert.js';
import type { EngineStats } from '../../model/engine-stats.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import type { FlowSummary } from '../../model/flow-summary.js';
import type { EngineEndReason, EngineToUi } from '../../engine/protocol.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { FleetStatus } from '../../model/fleet-status.js';
import type { HistoryEntry } from '../../model/history-entry.js';

export type EngineStatus = 'starting' | 'running' | 'ended' | 'fatal';

/** One line of the session's history: what was detected and what was done. */
export interface HistoryEvent {
  /** ISO time: packet time for alerts, wall time for blocks. */
  time: string;
  kind: 'alert' | 'block' | 'unblock';
  address: string;
  what: string;
  action: string;
}

export const HISTORY_CAPACITY = 2000;

/** What the panes read: the engine's view, accumulated from snapshots. Treated as immutable. */
export interface EngineData {
  status: EngineStatus;
  source: { kind: 'live' | 'file'; description: string } | null;
  endReason: EngineEndReason | null;
  endError: string | null;
  fatal: string | null;
  stats: EngineStats | null;
  /** Packets/s and bytes/s over the last snapshot interval (wall clock). */
  packetRate: number;
  byteRate: number;
  /** Newest last, bounded. */
  feed: readonly FeedPacket[];
  /** Packets the feed never showed (more arrived between snapshots than a snapshot carries). */
  feedSkipped: number;
  flows: readonly FlowSummary[];
  /** In order of first appearance, bounded; updates replace in place. */
  alerts: readonly Alert[];
  /** Addresses with an alert, for the `alert` filter term and red rows. */
  alertedAddresses: ReadonlySet<string>;
  blocks: readonly BlockRecord[];
  /** Alerts and block changes of this session, oldest first, bounded. */
  history: readonly HistoryEvent[];
  /** The history file's newest entries as last fetched (null: not fetched, or no history file). */
  storedHistory: readonly HistoryEvent[] | null;
  /** The latest warning from the engine (history file locked, log write failing …). */
  warning: string | null;
  /** Wall-clock ms when the engine started, for uptime. */
  startedAt: number;
  /** The run's standing with its CrowdSec Local API, null without one. */
  fleet: FleetStatus | null;
}

export const FEED_CAPACITY = 1000;
export const ALERT_CAPACITY = 2000;

export function initialEngineData(now = Date.now()): EngineData {
  return {
    status: 'starting',
    source: null,
    endReason: null,
    endError: null,
    fatal: null,
    stats: null,
    packetRate: 0,
    byteRate: 0,
    feed: [],
    feedSkipped: 0,
    flows: [],
    alerts: [],
    alertedAddresses: new Set(),
    blocks: [],
    history: [],
    storedHistory: null,
    warning: null,
    startedAt: now,
    fleet: null,
  };
}

/** Pure: the next data after one engine message. */
export function applyEngineMessage(data: EngineData, message: EngineToUi): EngineData {
  switch (message.type) {
    case 'started':
      return { ...data, status: 'running', source: message.source };
    case 'fatal':
      return { ...data, status: 'fatal', fatal: message.message };
    case 'ended':
      return { ...data, status: 'ended', endReason: message.reason, endError: message.error ?? null, stats: message.stats };
    case 'reply':
      return data;
    case 'warning':
      return { ...data, warning: message.message };
    case 'snapshot': {
      const s = message.snapshot;
      let packetRate = data.packetRate;
      let byteRate = data.byteRate;
      if (data.stats !== null) {
        const dt = s.stats.elapsed_s - data.stats.elapsed_s;
        if (dt > 0) {
          packetRate = (s.stats.packets - data.stats.packets) / dt;
          byteRate = (s.stats.bytes - data.stats.bytes) / dt;
        }
      }
      let feed = data.feed;
      if (s.newPackets.length > 0) {
        const merged = feed.concat(s.newPackets);
        feed = merged.length > FEED_CAPACITY ? merged.slice(merged.length - FEED_CAPACITY) : merged;
      }
      feed = withLateProcessNames(feed, s.flows);
      let alerts = data.alerts;
      let alertedAddresses = data.alertedAddresses;
      const events: HistoryEvent[] = [];
      if (s.newAlerts.length > 0) {
        const byId = new Map(alerts.map((a, i) => [a.id, i]));
        const next = alerts.slice();
        for (const a of s.newAlerts) {
          const i = byId.get(a.id);
          if (i === undefined) {
            byId.set(a.id, next.length);
            next.push(a);
            events.push({ time: a.timestamp, kind: 'alert', address: a.attacker_ip, what: a.attack_type, action: a.action });
          } else next[i] = a;
        }
        alerts = next.length > ALERT_CAPACITY ? next.slice(next.length - ALERT_CAPACITY) : next;
        alertedAddresses = new Set(alerts.map((a) => a.attacker_ip));
      }
      events.push(...blockEvents(data.blocks, s.blocks, s.ts));
      let history = data.history;
      if (events.length > 0) {
        const merged = history.concat(events);
        history = merged.length > HISTORY_CAPACITY ? merged.slice(merged.length - HISTORY_CAPACITY) : merged;
      }
      return {
        ...data,
        history,
        stats: s.stats,
        packetRate,
        byteRate,
        feed,
        feedSkipped: data.feedSkipped + s.skippedPackets,
        flows: s.flows,
        alerts,
        alertedAddresses,
        blocks: s.blocks,
        fleet: s.fleet ?? null,
      };
    }
  }
}

/**
 * A packet's process is looked up asynchronously (tens of ms cold): packets sent before the
 * answer went out unnamed, while later snapshots name their flow. Fill those packets in from
 * the flows, so `/process NAME` finds the first packets of a connection too.
 */
function withLateProcessNames(feed: readonly FeedPacket[], flows: readonly FlowSummary[]): FeedPacket[] {
  let names: Map<number, string> | null = null;
  for (const f of flows) {
    if (f.process == null) continue;
    names ??= new Map();
    names.set(f.uid, f.process);
  }
  if (names === null) return feed as FeedPacket[];
  let out: FeedPacket[] | null = null;
  for (let i = 0; i < feed.length; i++) {
    const p = feed[i]!;
    if (p.process !== null) continue;
    const name = names.get(p.flowUid);
    if (name === undefined) continue;
    out ??= feed.slice();
    out[i] = { ...p, process: name };
  }
  return out ?? (feed as FeedPacket[]);
}

/** A history file entry as a history pane row. */
export function historyEventFromEntry(entry: HistoryEntry): HistoryEvent {
  switch (entry.kind) {
    case 'alert':
      return { time: entry.alert.timestamp, kind: 'alert', address: entry.alert.attacker_ip, what: entry.alert.attack_type, action: entry.alert.action };
    case 'block':
      return { time: entry.at, kind: 'block', address: entry.address, what: entry.reason, action: entry.action };
    case 'unblock':
      return { time: entry.at, kind: 'unblock', address: entry.address, what: entry.reason, action: '' };
  }
}

/** Blocks that appeared or went away between two snapshots. */
function blockEvents(before: readonly BlockRecord[], after: readonly BlockRecord[], nowMs: number): HistoryEvent[] {
  if (before.length === 0 && after.length === 0) return [];
  const events: HistoryEvent[] = [];
  const old = new Map(before.map((b) => [b.address, b]));
  for (const b of after) {
    const prev = old.get(b.address);
    if (prev === undefined || prev.createdAt !== b.createdAt) {
      events.push({ time: new Date(b.createdAt).toISOString(), kind: 'block', address: b.address, what: b.reason, action: b.action });
    }
    old.delete(b.address);
  }
  for (const b of old.values()) {
    const expired = b.expiresAt <= nowMs;
    events.push({ time: new Date(expired ? b.expiresAt : nowMs).toISOString(), kind: 'unblock', address: b.address, what: expired ? 'expired' : 'unblocked', action: b.action });
  }
  return events;
}

type Listener = () => void;

/**
 * The store outside React (the display reads snapshots, as in bandwhich): engine messages
 * update it as fast as they come, subscribers are told at most `maxFps` times a second, so the
 * render rate is bounded whatever the packet rate. Read with useSyncExternalStore.
 */
export class EngineDataStore {
  private data: EngineData;
  private readonly listeners = new Set<Listener>();
  private readonly minIntervalMs: number;
  private lastNotify = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(maxFps = 15, now = Date.now()) {
    this.data = initialEngineData(now);
    this.minIntervalMs = 1000 / maxFps;
  }

  getSnapshot = (): EngineData => this.data;

  subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  apply(message: EngineToUi): void {
    this.data = applyEngineMessage(this.data, message);
    this.scheduleNotify(message.type !== 'snapshot');
  }

  /** Local changes (a block the user made) are shown at once. */
  update(fn: (data: EngineData) => EngineData): void {
    this.data = fn(this.data);
    this.scheduleNotify(true);
  }

  dispose(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private scheduleNotify(urgent: boolean): void {
    if (this.timer !== null) return;
    const wait = urgent ? 0 : Math.max(0, this.minIntervalMs - (performance.now() - this.lastNotify));
    this.timer = setTimeout(() => {
      this.timer = null;
      this.lastNotify = performance.now();
      for (const l of this.listeners) l();
    }, wait);
  }
}
