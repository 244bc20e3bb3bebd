/**
 * SIGINT and SIGTERM for the whole of a headless run, from its first moment to its last: a
 * signal while the run starts up (the firewall probe, ss, the history) or shuts down (history,
 * notifications) ends it cleanly with its last stats line instead of killing it half-way.
 */
export class StopSignals {
  private requested = false;
  private onStop: (() => void) | null = null;
  private readonly handler = (): void => {
    this.requested = true;
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
    process.removeListener('SIGINT', this.handler);
    process.removeListener('SIGTERM', this.handler);
  }
}
