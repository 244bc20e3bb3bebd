/**
 * SIGINT and SIGTERM for the whole of a headless run, from its first moment to its last: a
 * signal while the run starts up (the firewall probe, ss, the history) or shuts down (history,
 * notifications) ends it cleanly with its last stats line instead of killing it half-way.
 */
/** A stop that has not finished this long after the signal is cut short. */
const FORCE_AFTER_MS = 15_000;

export class StopSignals {
  private requested = false;
  private onStop: (() => void) | null = null;
  private forceTimer: NodeJS.Timeout | null = null;
  private readonly handler = (signal: NodeJS.Signals): void => {
    const code = signal === 'SIGINT' ? 130 : 143;
    // A second signal, or a clean stop that takes too long, always ends the process.
    if (this.requested) process.exit(code);
    this.requested = true;
    this.forceTimer = setTimeout(() => {
      process.stderr.write(`snoopy-tui: still stopping ${FORCE_AFTER_MS / 1000} s after ${signal}; exiting now\n`);
      process.exit(code);
    }, FORCE_AFTER_MS);
    this.forceTimer.unref();
    this.onStop?.();
  };

  constructor() {
    process.on('SIGINT', this.handler);
    process.on('SIGTERM', this.handler);
  }

  /** What a signal does from now on; runs at once when one already came. */
  whenStopped(stop: () => void): void {
    this.onStop = stop;
    if (this.requested) stop();
  }

  dispose(): void {
    if (this.forceTimer !== null) clearTimeout(this.forceTimer);
    process.removeListener('SIGINT', this.handler);
    process.removeListener('SIGTERM', this.handler);
  }
}
