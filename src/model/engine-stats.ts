/** Counters of a run, as the JSON stats line and the UI header show them. */
export interface EngineStats {
  packets: number;
  bytes: number;
  malformed: number;
  malformed_by_reason: Record<string, number>;
  non_ip: number;
  /** Kernel drops, or null when the source cannot tell. */
  dropped: number | null;
  /** Wall-clock seconds since the engine started. */
  elapsed_s: number;
  /** Packets processed per wall-clock second. */
  pps: number;
  alerts: number;
  flows_active: number;
  flows_evicted: number;
  flows_expired: number;
  /**
   * Event-loop delay of the engine process since the previous stats (ms, p50/p99/max): how long
   * timers and commands waited — under a flood `cap` drains the ring without yielding.
   */
  event_loop_lag_ms: { p50: number; p99: number; max: number };
  /** Resident memory of the engine process, MB (peak so far in rss_peak_mb). */
  rss_mb: number;
  rss_peak_mb: number;
  /** Blocks in force (blocked or dry run). */
  blocks_active: number;
  /**
   * Writes of the history file (or its journal) that failed so far (disk full, read-only …):
   * alerts and blocks were printed but may not all be kept. Always set by the engine.
   */
  history_write_errors?: number;
  /**
   * Why automatic blocking is off now (e.g. live SSH sessions cannot be listed, so a block could
   * cut the admin's session), or null when self-protection works. Always set by the engine.
   */
  self_protection?: string | null;
  /** Handshakes this host completed that proved their source (auto-block proof), and proof events refused. */
  proofs_accepted?: number;
  proofs_refused?: number;
  /**
   * The auth log, when one is watched: lines read, failures and commands found, and what could not
   * be used (lines longer than any daemon writes, failures whose address the client's text made
   * ambiguous or that no earlier line placed, journald entries claiming a program they are not).
   */
  auth_log?: { lines: number; failures: number; commands: number; oversized: number; ambiguous: number; unplaced: number; untrusted: number; evicted_connections: number };
  /**
   * The TCP stream layer (HTTP, FTP, POP3, IMAP, SMTP connections): streams opened, open now,
   * dropped for room (count or byte budget) and gone idle; HTTP requests and responses parsed and
   * login replies read; out-of-order segments held, bytes seen twice (the first copy kept), bytes
   * never seen and the holes a parser resynchronised after; out-of-order data past a
   * connection's own limit, segments refused by the byte budget, segments beyond any window;
   * request heads cut at the limit; the bytes held now and at most (with a fixed charge per open
   * stream for its own objects), and the budget.
   */
  streams?: {
    opened: number;
    active: number;
    evicted: number;
    expired: number;
    requests: number;
    responses: number;
    login_replies: number;
    out_of_order: number;
    duplicate_bytes: number;
    lost_bytes: number;
    gaps: number;
    flow_overflows: number;
    dropped_segments: number;
    beyond_window: number;
    heads_truncated: number;
    budget_refused: number;
    held_bytes: number;
    held_peak_bytes: number;
    budget_bytes: number;
  };
  /** Packet time of the first and last packet (ISO 8601), null before any. */
  first_packet: string | null;
  last_packet: string | null;
}
