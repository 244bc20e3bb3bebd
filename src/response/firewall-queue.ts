import type { BlockSpec, Firewall } from '../platform/firewall/firewall.js';
import { blockSpecProblem } from './block-spec-check.js';
import type { StageMark } from './block-timing.js';

interface Pending {
  spec: BlockSpec;
  add: boolean;
  mark: StageMark | null;
  resolve(): void;
  reject(e: Error): void;
}

/**
 * Serialises firewall changes and batches whatever piled up while the previous batch ran into
 * one apply() (one `nft -f -` / `ipset restore`): under an attack wave a hundred blocks cost
 * one command, and a single block is applied at once (no artificial delay).
 */
export class FirewallQueue {
  private pending: Pending[] = [];
  private running: Promise<void> | null = null;
  batches = 0;

  constructor(private readonly firewall: Firewall) {}

  /** `mark` (latency tracing) hears when its batch starts and when the command runs and exits. */
  add(spec: BlockSpec, mark: StageMark | null = null): Promise<void> {
    return this.enqueue(spec, true, mark);
  }

  remove(spec: BlockSpec): Promise<void> {
    return this.enqueue(spec, false, null);
  }

  /** Resolves when nothing is queued or running. */
  async idle(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  private enqueue(spec: BlockSpec, add: boolean, mark: StageMark | null): Promise<void> {
    // Refused alone, before it can share a batch (a script) with valid changes.
    const problem = blockSpecProblem(spec);
    if (problem !== null) return Promise.reject(new RangeError(`firewall change refused: ${problem}`));
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ spec, add, mark, resolve, reject });
      this.running ??= this.drain();
    });
  }

  private async drain(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const batch = this.pending;
        this.pending = [];
        try {
          const marks = batch.flatMap((p) => (p.mark === null ? [] : [p.mark]));
          for (const mark of marks) mark('batch_started');
          const observer = marks.length === 0 ? undefined : { spawned: () => marks.forEach((m) => m('command_spawned')), exited: () => marks.forEach((m) => m('command_exited')) };
          await this.firewall.apply(batch.filter((p) => p.add).map((p) => p.spec), batch.filter((p) => !p.add).map((p) => p.spec), observer);
          this.batches++;
          for (const p of batch) p.resolve();
        } catch (e) {
          for (const p of batch) p.reject(e as Error);
        }
      }
    } finally {
      this.running = null;
    }
  }
}
