/**
 * Messages between the engine process and the UI. Discriminated unions on `type`;
 * sent over the fork IPC channel with `serialization: 'advanced'`, and designed so the same
 * messages can later travel over a Unix socket (daemon + attach).
 */
import type { RunConfig } from '../config/run-config.js';
import type { Alert, BlockRecord, EngineStats, FeedPacket, FleetStatus, FlowSummary, HistoryEntry } from '../model/index.js';

// The shared records travel in these messages: a UI imports them from here or from src/model.
export type * from '../model/index.js';

/** A snapshot of the engine, at most ~10 a second. */
export interface Snapshot {
  seq: number;
  /** Wall-clock time of the snapshot (ms since the epoch). */
  ts: number;
  /** Packet time of the newest packet (µs since the epoch), 0 before any. */
  packetTimeMicros: number;
  stats: EngineStats;
  /** Packets since the previous snapshot, newest last, capped. */
  newPackets: FeedPacket[];
  /** Packets that arrived since the previous snapshot but did not fit in newPackets. */
  skippedPackets: number;
  /** The most active flows. */
  flows: FlowSummary[];
  /** Alerts raised or updated since the previous snapshot (latest state of each). */
  newAlerts: Alert[];
  /** Active blocks (blocked, or dry_run when nothing is changed in the firewall). */
  blocks: BlockRecord[];
  /** How the run stands with its CrowdSec Local API; absent or null without one. */
  fleet?: FleetStatus | null;
}

export type EngineCommand =
  | { name: 'block'; address: string; durationSeconds: number; reason: string }
  | { name: 'unblock'; address: string }
  | { name: 'unblockAll' }
  | { name: 'pauseSnapshots' }
  | { name: 'resumeSnapshots' }
  | { name: 'status' }
  | { name: 'history'; limit: number };

/** The newest history entries, oldest first; `available` is false when the run keeps no history file. */
export interface HistoryPage {
  available: boolean;
  entries: HistoryEntry[];
}

/** What each command's reply carries. */
export interface CommandReplies {
  /** The block as recorded (blocked, dry_run, suppressed or block_failed). */
  block: BlockRecord;
  /** The block that was lifted. */
  unblock: BlockRecord;
  /** How many blocks were lifted. */
  unblockAll: number;
  pauseSnapshots: null;
  resumeSnapshots: null;
  /** The engine's counters, or null before it started. */
  status: EngineStats | null;
  history: HistoryPage;
}

export type CommandName = EngineCommand['name'];
export type CommandReply<N extends CommandName = CommandName> = CommandReplies[N];

/** UI → engine. */
export type UiToEngine =
  | { type: 'start'; config: RunConfig }
  | { type: 'command'; requestId: number; command: EngineCommand }
  | { type: 'stop' };

export type EngineEndReason = 'eof' | 'stopped' | 'error';

/** Engine → UI. */
export type EngineToUi =
  | { type: 'started'; source: { kind: 'live' | 'file'; description: string } }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'reply'; requestId: number; ok: true; result: CommandReply }
  | { type: 'reply'; requestId: number; ok: false; error: string }
  /** The source ended; the engine stays up (a replay stays browsable) until told to stop. */
  | { type: 'ended'; reason: EngineEndReason; error?: string; stats: EngineStats }
  /** Something the user should know that does not stop the run (e.g. history file locked). */
  | { type: 'warning'; message: string }
  /** Start failed for a reason the user must fix: one line. */
  | { type: 'fatal'; message: string };
