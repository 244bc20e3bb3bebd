/** One process as /proc shows it at one moment. */
export interface ProcessSample {
  pid: number;
  /** Kernel's short name (comm), attacker-controllable text. */
  name: string;
  /** argv joined by spaces, cut to MAX_CMDLINE_BYTES; attacker-controllable text. */
  cmdline: string;
  /** utime + stime, clock ticks. */
  cpuTicks: number;
}
