/**
 * Per-stage timestamps of one automatic block, to tell where detection-to-rule latency goes.
 * Opt-in: the block manager records them only when it is given an `onTiming` callback, and the
 * JSON alert and block lines never carry them.
 *
 * Times are wall-clock milliseconds with sub-millisecond precision (performance.timeOrigin +
 * performance.now()), so a reader on the same host can set them against its own Date.now().
 */
export const BLOCK_STAGES = [
  /** The detector raised the alert (packet path, before the alert line is written). */
  'alert_raised',
  /** The block was decided: at once, or when the source's proof arrived. */
  'decided',
  /** The never-block list (live SSH peers included) was checked for the address. */
  'protection_checked',
  /** The change went into the firewall queue. */
  'queued',
  /** The batch holding it was handed to the firewall backend. */
  'batch_started',
  /** The backend's command (`nft -f -`) was running. */
  'command_spawned',
  /** … and exited. */
  'command_exited',
  /** The block manager heard the batch succeed. */
  'applied',
  /** The block line was handed to the outputs (stdout in headless mode). */
  'block_written',
] as const;

export type BlockStage = (typeof BLOCK_STAGES)[number];

export interface BlockTiming {
  address: string;
  alert_id: string | null;
  /** The block line's action (blocked, block_failed, suppressed …). */
  action: string;
  stages: Partial<Record<BlockStage, number>>;
}

/** Marks one stage of whatever is being traced. */
export type StageMark = (stage: BlockStage) => void;

/** Starts each timing line a headless run writes to stderr (SNOOPY_TIMING=1), so readers can pick them out. */
export const TIMING_PREFIX = 'snoopy-timing';

export function stageNow(): number {
  return performance.timeOrigin + performance.now();
}
