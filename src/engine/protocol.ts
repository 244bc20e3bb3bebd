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
  /** Active blocks (blocked, or dry_run when nothing is changed in the firewall), with the country of each address. */
  blocks: BlockRecord[];
  /** What the packet feed holds back or picks. */
  feed: FeedState;
  /** How the run stands with its CrowdSec Local API; absent or null without one. */
  fleet?: FleetStatus | null;
}

/** The engine's side of the packet feed: its filter and the UI's own session. */
export interface FeedState {
  /** The filter the engine applies to every packet before it reaches newPackets ('' = none). */
  filter: string;
  /** Changes when the packets shown are chosen anew (filter or own-traffic setting): the UI drops what it holds. */
  generation: number;
  /** Packets chosen for the feed since `generation` began (matches, when filtered). */
  shown: number;
  /** The UI's own SSH session: described, its packets and bytes so far, and whether the feed and rates leave it out. */
  own: { sessions: string[]; packets: number; bytes: number; hidden: boolean };
}

/** Whether an address may be blocked, before anyone asks to. */
export interface AddressCheck {
  address: string;
  /** Why it is never blocked (own address, gateway, DNS resolver, live SSH peer, allowlist …), or null. */
  protectedReason: string | null;
  /** One of this host's own addresses. */
  local: boolean;
}

/** What the engine still holds about one address: its recent packets (own session included) and flows. */
export interface AddressActivity {
  packets: FeedPacket[];
  flows: FlowSummary[];
}

export type EngineCommand =
  | { name: 'block'; address: string; durationSeconds: number; reason: string }
  | { name: 'unblock'; address: string }
  | { name: 'unblockAll' }
  | { name: 'pauseSnapshots' }
  | { name: 'resumeSnapshots' }
  | { name: 'status' }
  | { name: 'history'; limit: number }
  /** The feed filter (filter-language text, '' = none) and whether the UI's own session is shown. */
  | { name: 'feed'; filter: string; showOwn: boolean }
  | { name: 'checkAddress'; address: string }
  | { name: 'activity'; address: string; limit: number };

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
  /** The feed as now set; rejects with the filter's error (and its position) when the text does not parse. */
  feed: FeedState;
  checkAddress: AddressCheck;
  activity: AddressActivity;
}

export type CommandName = EngineCommand['name'];
export type CommandReply<N extends CommandName = CommandName> = CommandReplies[N];

/** UI → engine. */
export type UiToEngine =
  | { type: 'start'; config: RunConfig; ui?: UiContext }
  /** Review a history file: no capture, no firewall changes but unblocks, no root when the file is readable. */
  | { type: 'review'; config: RunConfig }
  | { type: 'command'; requestId: number; command: EngineCommand }
  | { type: 'stop' };

/** Where the UI runs, so the engine can keep the UI's own SSH session out of the feed. */
export interface UiContext {
  /** SSH_CONNECTION of the UI's environment (sudo may have removed it). */
  sshConnection: string | null;
}

export type SourceKind = 'live' | 'file' | 'review';

export type EngineEndReason = 'eof' | 'stopped' | 'error';

/** Engine → UI. */
export type EngineToUi =
  | { type: 'started'; source: { kind: SourceKind; description: string }; local?: string[] }
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'reply'; requestId: number; ok: true; result: CommandReply }
  | { type: 'reply'; requestId: number; ok: false; error: string }
  /** The source ended; the engine stays up (a replay stays browsable) until told to stop. */
  | { type: 'ended'; reason: EngineEndReason; error?: string; stats: EngineStats }
  /** Something the user should know that does not stop the run (e.g. history file locked). */
  | { type: 'warning'; message: string }
  /** Start failed for a reason the user must fix: one line. */
  | { type: 'fatal'; message: string };
