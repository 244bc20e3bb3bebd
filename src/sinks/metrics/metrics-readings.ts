import type { BlockRecord } from '../../model/block-record.js';
import type { FleetStatus } from '../../model/fleet-status.js';

/** Counters of the packet path, read at scrape time (plain numbers: no reset, no cost on the path). */
export interface PacketReadings {
  packets: number;
  bytes: number;
  /** Kernel drops, or null when the source cannot tell. */
  dropped: number | null;
  malformedByReason: Record<string, number>;
  flowsActive: number;
  flowCapacity: number;
  flowsEvicted: number;
  flowsExpired: number;
}

/** What the metrics read from the run when Prometheus asks (the assembly provides it). */
export interface MetricsReadings {
  packets(): PacketReadings;
  /** Blocks in force. */
  blocks(): readonly BlockRecord[];
  fleet(): FleetStatus | null;
}
