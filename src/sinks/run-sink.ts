import type { Alert, BlockRecord, EngineStats, ResponseEvent, UnblockReason } from '../model/index.js';

/**
 * One output of a run. The assembly (src/engine/assemble) hands every sink each event in the
 * order the sinks were registered; a sink implements the events it wants. Sinks run on the
 * packet path's thread: they queue or write, they never wait.
 */
export interface RunSink {
  /** A new alert, or a later version of one (more evidence, a changed action). */
  alert?(alert: Alert, kind: 'new' | 'update'): void;
  /** A block, unblock, attack-stopped or service event of the response side. */
  response?(event: ResponseEvent): void;
  /** A block decision or an unblock, as the history keeps it. */
  record?(record: BlockRecord, kind: 'block' | 'unblock', reason?: UnblockReason): void;
  /** A block that went into the firewall. */
  blocked?(record: BlockRecord): void;
  /** The run's counters: every refresh interval while live, and once at the end (`final`). */
  stats?(stats: EngineStats, final: boolean): void;
  /** The run is over: finish what is queued (each sink bounds its own wait). */
  close?(): Promise<void>;
}

/** Every sink of a run, fed in registration order. */
export class SinkSet implements Required<RunSink> {
  private readonly sinks: RunSink[] = [];

  add(sink: RunSink): void {
    this.sinks.push(sink);
  }

  alert(alert: Alert, kind: 'new' | 'update'): void {
    for (const s of this.sinks) s.alert?.(alert, kind);
  }

  response(event: ResponseEvent): void {
    for (const s of this.sinks) s.response?.(event);
  }

  record(record: BlockRecord, kind: 'block' | 'unblock', reason?: UnblockReason): void {
    for (const s of this.sinks) s.record?.(record, kind, reason);
  }

  blocked(record: BlockRecord): void {
    for (const s of this.sinks) s.blocked?.(record);
  }

  stats(stats: EngineStats, final: boolean): void {
    for (const s of this.sinks) s.stats?.(stats, final);
  }

  /** Closes every sink, in order; one failing never keeps the others from closing. */
  async close(): Promise<void> {
    for (const s of this.sinks) {
      try {
        await s.close?.();
      } catch {
        // A sink reports its own failures (warnings); closing goes on.
      }
    }
  }
}
