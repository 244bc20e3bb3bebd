/**
 * Firewall throughput, measured through the real backend classes (NftablesFirewall,
 * IptablesFirewall with ipset). The backends run their commands in this process's network
 * namespace, so bench/firewall-bench.ts starts this file inside a namespace it made itself:
 *
 *   ip netns exec snp-bench-<pid>-fw node --import tsx bench/firewall-driver.ts \
 *     --backend nftables|ipset [--blocks 100000] [--batch 1000] [--sample 2000]
 *
 * Never run it outside a fresh namespace: setup() and flush() change the firewall of the
 * namespace it runs in. Prints one JSON object (FirewallDriverResult) on stdout.
 */
import type { BlockSpec, Firewall } from '../src/platform/firewall/firewall.js';
import { IptablesFirewall } from '../src/platform/firewall/iptables-firewall.js';
import { NftablesFirewall } from '../src/platform/firewall/nftables-firewall.js';

export type FirewallBackendKey = 'nftables' | 'ipset';

/** One phase: `blocks` entries added (or removed) by `calls` apply() calls. */
export interface FirewallPhase {
  phase: string;
  op: 'add' | 'remove';
  blocks: number;
  calls: number;
  seconds: number;
  blocks_per_s: number;
  per_block_ms: number;
  /** Per-call wall times, ms (one-by-one phases only: their spread matters). */
  call_ms?: number[];
  /** Why the phase stopped early (e.g. the backend's 30 s command timeout); blocks then counts what was applied. */
  error?: string;
  /** What list() returned right after, what it must return (entries before ± what was applied), how long it took. */
  listed_after: number;
  expected_after: number;
  list_seconds: number;
}

export interface FirewallDriverResult {
  backend: FirewallBackendKey;
  blocks: number;
  batch: number;
  sample: number;
  setup_seconds: number;
  phases: FirewallPhase[];
  /** Every listed_after equals its expected_after. */
  correct: boolean;
  /** Entries left after flush() (must be 0). */
  after_flush: number;
  error?: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

/** 100.64.0.1 upwards (shared address space, RFC 6598): set entries only, never traffic. */
function specs(n: number): BlockSpec[] {
  const out: BlockSpec[] = [];
  const base = (100 << 24) | (64 << 16);
  for (let i = 1; i <= n; i++) {
    const a = (base + i) >>> 0;
    out.push({ cidr: `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}/32`, family: 4, port: null, timeoutSeconds: 3600 });
  }
  return out;
}

const seconds = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e9;

async function main(): Promise<void> {
  const backend = arg('backend', 'nftables') as FirewallBackendKey;
  const blocks = Number(arg('blocks', '100000'));
  const batch = Number(arg('batch', '1000'));
  const sample = Number(arg('sample', '2000'));
  /** A phase of many apply() calls stops once it has taken this long (keeps the bench short). */
  const budgetS = Number(arg('budget', '120'));
  const fw: Firewall = backend === 'nftables' ? new NftablesFirewall() : new IptablesFirewall();
  const all = specs(blocks);
  const result: FirewallDriverResult = { backend, blocks, batch, sample, setup_seconds: 0, phases: [], correct: false, after_flush: -1 };

  const phase = async (name: string, op: 'add' | 'remove', list: BlockSpec[], size: number, before: number): Promise<number> => {
    const callMs: number[] = [];
    let done = 0;
    let error: string | undefined;
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < list.length; i += size) {
      const chunk = list.slice(i, i + size);
      const c0 = process.hrtime.bigint();
      try {
        await (op === 'add' ? fw.apply(chunk, []) : fw.apply([], chunk));
      } catch (e) {
        // A failed batch is a result too (nft's 30 s timeout on huge batches): record, go on.
        error = (e as Error).message;
        break;
      }
      done += chunk.length;
      if (size === 1) callMs.push(Number(process.hrtime.bigint() - c0) / 1e6);
      if (seconds(t0) > budgetS) {
        error = `stopped after ${budgetS} s (time budget) with ${done} of ${list.length} applied`;
        break;
      }
    }
    const s = seconds(t0);
    const l0 = process.hrtime.bigint();
    const listed = (await fw.list()).length;
    result.phases.push({
      phase: name,
      op,
      blocks: done,
      calls: Math.ceil(done / size),
      seconds: s,
      blocks_per_s: done / s,
      per_block_ms: done === 0 ? NaN : (s * 1000) / done,
      ...(error !== undefined ? { error } : {}),
      ...(size === 1 ? { call_ms: callMs.map((x) => Math.round(x * 1000) / 1000) } : {}),
      listed_after: listed,
      expected_after: op === 'add' ? before + done : before - done,
      list_seconds: seconds(l0),
    });
    process.stderr.write(`[firewall-driver] ${backend} ${name} ${op} ${done}/${list.length}: ${s.toFixed(3)} s, list() → ${listed}${error !== undefined ? ` (${error})` : ''}\n`);
    return listed;
  };

  try {
    await fw.flush();
    const t0 = process.hrtime.bigint();
    await fw.setup();
    result.setup_seconds = seconds(t0);
    // A remove phase removes what its add phase got in (all of it, unless the add stopped early).
    const pair = async (name: string, size: number): Promise<void> => {
      const added = await phase(name, 'add', all, size, 0);
      await phase(name, 'remove', all.slice(0, added), size, added);
      // Whatever a failed remove left would skew the next phase.
      if (result.phases[result.phases.length - 1]!.listed_after !== 0) await fw.flush().then(() => fw.setup());
    };
    await pair(`one batch of ${blocks}`, blocks);
    if (batch > 0 && batch < blocks) await pair(`batches of ${batch}`, batch);
    // One apply() per block: the cost of not batching. A sample only (100k would take minutes).
    const few = all.slice(0, sample);
    const added = await phase(`one by one (sample of ${sample})`, 'add', few, 1, 0);
    await phase(`one by one (sample of ${sample})`, 'remove', few, 1, added);
    // Correct = list() shows exactly what was applied, also after a phase stopped early.
    result.correct = result.phases.every((p) => p.listed_after === p.expected_after);
  } catch (e) {
    result.error = (e as Error).message;
  } finally {
    await fw.flush().catch(() => undefined);
    result.after_flush = (await fw.list().catch(() => [])).length;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
