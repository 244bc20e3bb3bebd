import type { Alert } from '../../model/alert.js';
import type { EngineStats } from '../../model/engine-stats.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import type { FlowSummary } from '../../model/flow-summary.js';
import type { EngineEndReason, EngineToUi, FeedState, SourceKind } from '../../engine/protocol.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { FleetStatus } from '../../model/fleet-status.js';
import type { HistoryEntry } from '../../model/history-entry.js';

export type EngineStatus = 'starting' | 'running' | 'ended' | 'fatal';

export const HISTORY_CAPACITY = 2000;
export const FEED_CAPACITY = 1000;
export const ALERT_CAPACITY = 2000;

/** What the panes read: the engine's view, accumulated from snapshots. Treated as immutable. */
export interface EngineData {
  status: EngineStatus;
  source: { kind: SourceKind; description: string } | null;
  /** This host's own addresses, as the engine reported them (live and review). */
  local: ReadonlySet<string>;
  endReason: EngineEndReason | null;
  endError: string | null;
  fatal: string | null;
  stats: EngineStats | null;
  /** Packets/s and bytes/s over the last snapshot interval, without the UI's own session while it is hidden. */
  packetRate: number;
  byteRate: number;
  /** Newest last, bounded. */
  feed: readonly FeedPacket[];
  /** Packets chosen for the feed that it never showed (more came between snapshots than one carries), since the feed was last chosen anew. */
  feedSkipped: number;
  /** The engine's side of the feed (filter, own session), or null before the first snapshot. */
  feedState: FeedState | null;
  flows: readonly FlowSummary[];
  /** In order of first appearance, bounded; updates replace in place. */
  alerts: readonly Alert[];
  /** Distinct alerts seen so far (never decreases): the newest `alertsTotal - seen` of `alerts` are unseen. */
  alertsTotal: number;
  /** Addresses with an alert, for the `alert` filter term and marked rows. */
  alertedAddresses: ReadonlySet<string>;
  blocks: readonly BlockRecord[];
  /** Alerts and block changes of this session as history entries, oldest first, bounded. */
  history: readonly HistoryEntry[];
  /** The history file's newest entries as last fetched (null: not fetched, or no history file). */
  storedHistory: readonly HistoryEntry[] | null;
  /** The latest warning from the engine (history file locked, log write failing …). */
  warning: string | null;
  /** Wall-clock ms when the engine started, for uptime. */
  startedAt: number;
  /** The run's standing with its CrowdSec Local API, null without one. */
  fleet: FleetStatus | null;
}

export function initialEngineData(now = Date.now()): EngineData {
  return {
    status: 'starting',
    source: null,
    local: new Set(),
    endReason: null,
    endError: null,
    fatal: null,
    stats: null,
    packetRate: 0,
    byteRate: 0,
    feed: [],
    feedSkipped: 0,
    feedState: null,
    flows: [],
    alerts: [],
    alertsTotal: 0,
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
      return { ...data, status: 'running', source: message.source, local: new Set(message.local ?? []) };
    case 'fatal':
      return { ...data, status: 'fatal', fatal: message.message };
    case 'ended':
      // Nothing flows any more: a rate would only repeat the last interval's.
      return { ...data, status: 'ended', endReason: message.reason, endError: message.error ?? null, stats: message.stats, packetRate: 0, byteRate: 0 };
    case 'reply':
      return data;
    case 'warning':
      return { ...data, warning: message.message };
    case 'snapshot':
      return applySnapshot(data, message.snapshot);
  }
}

function applySnapshot(data: EngineData, s: Extract<EngineToUi, { type: 'snapshot' }>['snapshot']): EngineData {
  const { packetRate, byteRate } = rates(data, s.stats, s.feed);
  const reset = data.feedState !== null && s.feed.generation !== data.feedState.generation;
  let feed = reset ? [] : data.feed;
  if (s.newPackets.length > 0) feed = appendPackets(feed, s.newPackets);
  feed = withLateProcessNames(feed, s.flows);
  let alerts = data.alerts;
  let alertsTotal = data.alertsTotal;
  let alertedAddresses = data.alertedAddresses;
  const events: HistoryEntry[] = [];
  if (s.newAlerts.length > 0) {
    const byId = new Map(alerts.map((a, i) => [a.id, i]));
    const next = alerts.slice();
    for (const a of s.newAlerts) {
      const i = byId.get(a.id);
      if (i === undefined) {
        byId.set(a.id, next.length);
        next.push(a);
        alertsTotal++;
        events.push({ kind: 'alert', alert: a });
      } else next[i] = a;
    }
    alerts = next.length > ALERT_CAPACITY ? next.slice(next.length - ALERT_CAPACITY) : next;
    alertedAddresses = new Set(alerts.map((a) => a.attacker_ip));
  }
  if (data.source?.kind !== 'review') events.push(...blockEvents(data.blocks, s.blocks, s.ts));
  let history = data.history;
  if (events.length > 0) {
    // An alert's later versions replace the one the session history holds.
    const merged = history.concat(events);
    history = merged.length > HISTORY_CAPACITY ? merged.slice(merged.length - HISTORY_CAPACITY) : merged;
  }
  if (s.newAlerts.length > 0) history = withLatestAlerts(history, s.newAlerts);
  return {
    ...data,
    history,
    stats: s.stats,
    packetRate,
    byteRate,
    feed,
    feedSkipped: (reset ? 0 : data.feedSkipped) + s.skippedPackets,
    feedState: s.feed,
    flows: s.flows,
    alerts,
    alertsTotal,
    alertedAddresses,
    blocks: s.blocks,
    fleet: s.fleet ?? null,
  };
}

/** Rates over the interval since the previous snapshot, leaving out the UI's own session while the feed does. */
function rates(data: EngineData, stats: EngineStats, feed: FeedState): { packetRate: number; byteRate: number } {
  const before = data.stats;
  if (before === null) return { packetRate: data.packetRate, byteRate: data.byteRate };
  const dt = stats.elapsed_s - before.elapsed_s;
  if (dt <= 0) return { packetRate: data.packetRate, byteRate: data.byteRate };
  const prevOwn = data.feedState?.own ?? { packets: 0, bytes: 0 };
  const ownPackets = feed.own.hidden ? feed.own.packets - prevOwn.packets : 0;
  const ownBytes = feed.own.hidden ? feed.own.bytes - prevOwn.bytes : 0;
  return {
    packetRate: Math.max(0, (stats.packets - before.packets - ownPackets) / dt),
    byteRate: Math.max(0, (stats.bytes - before.bytes - ownBytes) / dt),
  };
}

/** Appends in time order (packets the engine decided late may be older than the last one held), bounded. */
function appendPackets(feed: readonly FeedPacket[], add: readonly FeedPacket[]): FeedPacket[] {
  let merged = feed.concat(add);
  const last = feed.length > 0 ? feed[feed.length - 1]!.tsMicros : -Infinity;
  if (add[0]!.tsMicros < last) {
    const tailFrom = Math.max(0, feed.length - FEED_CAPACITY);
    merged = merged.slice(0, tailFrom).concat(merged.slice(tailFrom).sort((a, b) => a.tsMicros - b.tsMicros));
  }
  return merged.length > FEED_CAPACITY ? merged.slice(merged.length - FEED_CAPACITY) : merged;
}

function withLatestAlerts(history: readonly HistoryEntry[], updated: readonly Alert[]): HistoryEntry[] {
  const byId = new Map(updated.map((a) => [a.id, a]));
  return history.map((e) => (e.kind === 'alert' && byId.has(e.alert.id) && byId.get(e.alert.id) !== e.alert ? { kind: 'alert', alert: byId.get(e.alert.id)! } : e));
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

/** Blocks that appeared or went away between two snapshots, as history entries. */
function blockEvents(before: readonly BlockRecord[], after: readonly BlockRecord[], nowMs: number): HistoryEntry[] {
  if (before.length === 0 && after.length === 0) return [];
  const events: HistoryEntry[] = [];
  const old = new Map(before.map((b) => [b.address, b]));
  for (const b of after) {
    const prev = old.get(b.address);
    if (prev === undefined || prev.createdAt !== b.createdAt) {
      events.push({
        kind: 'block',
        at: new Date(b.createdAt).toISOString(),
        address: b.address,
        reason: b.reason,
        durationSeconds: Math.round((b.expiresAt - b.createdAt) / 1000),
        action: b.action,
        network: b.network,
        port: b.port,
        ...(b.detail !== undefined ? { detail: b.detail } : {}),
        ...(b.attackType !== undefined ? { attackType: b.attackType } : {}),
        ...(b.alertId !== undefined ? { alertId: b.alertId } : {}),
      });
    }
    old.delete(b.address);
  }
  for (const b of old.values()) {
    const expired = b.expiresAt <= nowMs;
    events.push({ kind: 'unblock', at: new Date(expired ? b.expiresAt : nowMs).toISOString(), address: b.address, reason: expired ? 'expired' : 'manual', network: b.network, port: b.port });
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
