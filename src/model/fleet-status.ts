/** The fleet API operations whose failures are counted. */
export const FLEET_OPERATIONS = ['login', 'push', 'pull', 'delete'] as const;
export type FleetOperation = (typeof FLEET_OPERATIONS)[number];

/**
 * How this host stands with the fleet's CrowdSec Local API, for the header, the metrics and the
 * snapshot. Plain data; the fleet client keeps it current.
 */
export interface FleetStatus {
  /** The Local API without anything secret: scheme, host and port. */
  api: string;
  /** Push: this host's blocks go to the API as a watcher. Pull: its decisions come here as a bouncer. */
  roles: { push: boolean; pull: boolean };
  /** The last exchange with the API succeeded. */
  connected: boolean;
  /** Wall-clock ms of the last successful pull of decisions, null before any. */
  lastPullAt: number | null;
  /** Wall-clock ms of the last alert the API accepted, null before any. */
  lastPushAt: number | null;
  /** Active decisions the API has handed this host (every origin, this host's own included). */
  decisions: number;
  /** Blocks waiting to be pushed (the API is down, or a push is under way). */
  pushQueued: number;
  /** Blocks the API has accepted since start. */
  pushed: number;
  /** Blocks given up on: the queue was full, or the API refused them for good. */
  pushDropped: number;
  /** Failed exchanges since start, by operation. */
  errors: Record<FleetOperation, number>;
  /** The last failure, one line without secrets, or null. */
  lastError: string | null;
}

export function newFleetStatus(api: string, roles: FleetStatus['roles']): FleetStatus {
  return { api, roles, connected: false, lastPullAt: null, lastPushAt: null, decisions: 0, pushQueued: 0, pushed: 0, pushDropped: 0, errors: { login: 0, push: 0, pull: 0, delete: 0 }, lastError: null };
}
