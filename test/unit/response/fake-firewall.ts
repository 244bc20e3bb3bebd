import type { BlockSpec, Firewall, FirewallEntry, FirewallName } from '../../../src/platform/firewall/firewall.js';

export interface ApplyCall {
  add: BlockSpec[];
  remove: BlockSpec[];
}

/**
 * A Firewall for BlockManager / FirewallQueue tests: records every call, lists `entries`, can be
 * made to fail (`failWith`) or to hang until released (`hold()`).
 */
export class FakeFirewall implements Firewall {
  readonly applies: ApplyCall[] = [];
  readonly calls: string[] = [];
  entries: FirewallEntry[] = [];
  failWith: Error | null = null;
  /** Per call: the error apply() number `index` (0-based) fails with, or null; checked after failWith. */
  failApply: ((index: number) => Error | null) | null = null;
  setupError: Error | null = null;
  flushError: Error | null = null;
  private gate: Promise<void> | null = null;
  private openGate: (() => void) | null = null;
  /** Resolves each time apply() is entered (for tests that wait for a batch to be in flight). */
  private appliedWaiters: (() => void)[] = [];

  constructor(
    readonly name: FirewallName = 'nftables',
    readonly kernelTimeouts: boolean = true,
  ) {}

  async setup(): Promise<void> {
    this.calls.push('setup');
    if (this.setupError) throw this.setupError;
  }

  async apply(add: readonly BlockSpec[], remove: readonly BlockSpec[]): Promise<void> {
    this.calls.push('apply');
    const index = this.applies.length;
    this.applies.push({ add: add.map((s) => ({ ...s })), remove: remove.map((s) => ({ ...s })) });
    for (const w of this.appliedWaiters.splice(0)) w();
    if (this.gate !== null) await this.gate;
    if (this.failWith !== null) throw this.failWith;
    const e = this.failApply?.(index) ?? null;
    if (e !== null) throw e;
  }

  async list(): Promise<FirewallEntry[]> {
    this.calls.push('list');
    return this.entries.map((e) => ({ ...e }));
  }

  async flush(): Promise<void> {
    this.calls.push('flush');
    if (this.flushError) throw this.flushError;
  }

  /** Makes every apply() hang until the returned function is called. */
  hold(): () => void {
    this.gate = new Promise<void>((resolve) => {
      this.openGate = resolve;
    });
    return () => {
      this.gate = null;
      this.openGate?.();
    };
  }

  /** Resolves when the next apply() call starts (or at once if `count` calls were already made). */
  applyCalled(count: number): Promise<void> {
    if (this.applies.length >= count) return Promise.resolve();
    return new Promise<void>((resolve) => this.appliedWaiters.push(() => void this.applyCalled(count).then(resolve)));
  }
}

/** Lets pending promise callbacks run (the block path awaits a few times before apply()). */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}
