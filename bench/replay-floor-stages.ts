/** The stages bench/replay-floor.ts measures, apart so the bench can name them without running it. */
export const FLOOR_STAGES = ['read', 'decode', 'flows'] as const;
export type FloorStage = (typeof FLOOR_STAGES)[number];

export interface ReplayFloorResult {
  stage: FloorStage;
  packets: number;
  run_ms: number;
  pps: number;
}
