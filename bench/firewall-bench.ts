/**
 * Section "firewall": BLOCKS (default 100,000) blocks added and removed through the real
 * backend classes, nftables and iptables + ipset, in one namespace made for it
 * (snp-bench-<pid>-fw). Batched = all in one apply() (and in batches of 1,000); one by one =
 * one apply() per block on a sample, per-block time extrapolated to BLOCKS (labelled so).
 * After every phase list() must show exactly what was applied.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { benchSkipReason, createLoneNamespace, deleteNamespace, ROOT } from './bench-netns.js';
import type { FirewallBackendKey, FirewallDriverResult, FirewallPhase } from './firewall-driver.js';
import { fmtInt, log, oneRow, skippedRow, type Row, type SectionResult } from './table.js';

const BLOCKS = Number(process.env.BENCH_FW_BLOCKS ?? 100_000);
const SAMPLE = Number(process.env.BENCH_FW_SAMPLE ?? 1_000);
const BATCH = 1_000;
/** A phase of many apply() calls stops after this long (nft's batches slow down as the set grows). */
const PHASE_BUDGET_S = Number(process.env.BENCH_FW_BUDGET ?? 30);

const BACKENDS: { key: FirewallBackendKey; tools: string[] }[] = [
  { key: 'nftables', tools: ['nft'] },
  { key: 'ipset', tools: ['iptables', 'ipset'] },
];

function runDriver(ns: string, backend: FirewallBackendKey): Promise<FirewallDriverResult> {
  return new Promise((resolve, reject) => {
    const args = ['netns', 'exec', ns, process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'firewall-driver.ts'),
      '--backend', backend, '--blocks', String(BLOCKS), '--batch', String(BATCH), '--sample', String(SAMPLE), '--budget', String(PHASE_BUDGET_S)];
    const child = spawn('ip', args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(last) as FirewallDriverResult);
      } catch {
        reject(new Error(`bench/firewall-driver.ts (${backend}) exited ${code} without a result`));
      }
    });
  });
}

const rate = (p: FirewallPhase): string => (p.blocks === 0 ? '' : `${fmtInt(p.blocks_per_s)} blocks/s`);
const listNote = (p: FirewallPhase): string =>
  `list() → ${fmtInt(p.listed_after)}${p.listed_after === p.expected_after ? ' ✓' : ` ✗ expected ${fmtInt(p.expected_after)}`}`;

function rowsFor(r: FirewallDriverResult): Row[] {
  const section = `firewall ${r.backend}`;
  if (r.error !== undefined && r.phases.length === 0) return [skippedRow(section, `driver failed: ${r.error}`)];
  const rows: Row[] = [];
  const oneByOne = r.phases.filter((p) => p.calls === p.blocks && p.blocks > 0);
  for (const p of r.phases) {
    const single = oneByOne.includes(p);
    const note = [listNote(p), p.error !== undefined ? `STOPPED: ${p.error.slice(0, 90)}` : ''];
    if (!single) {
      const twin = oneByOne.find((o) => o.op === p.op);
      if (twin !== undefined && p.blocks > 0) note.push(`${(twin.per_block_ms / p.per_block_ms).toFixed(0)}× faster than one by one`);
    }
    const measurement = `${p.op} ${fmtInt(p.blocks)}${p.blocks < (single ? r.sample : r.blocks) ? ` of ${fmtInt(single ? r.sample : r.blocks)}` : ''}, ${p.phase.replace(/ \(sample of \d+\)/, '')}`;
    rows.push(oneRow(section, measurement, p.seconds, 's', { rate: rate(p), note: note.filter((n) => n !== '').join('; ') }));
    if (single) {
      rows.push(
        oneRow(section, `  ${p.op} ${fmtInt(r.blocks)} one by one: EXTRAPOLATED (${p.per_block_ms.toFixed(2)} ms/block × ${fmtInt(r.blocks)})`, (p.per_block_ms * r.blocks) / 1000, 's', {
          note: `from the ${fmtInt(p.blocks)}-block sample`,
        }),
      );
    }
  }
  rows.push(oneRow(section, 'entries left after flush()', r.after_flush, 'count', { note: r.correct && r.after_flush === 0 ? 'every list() as expected' : 'list() MISMATCH (see JSON)' }));
  return rows;
}

export async function benchFirewall(): Promise<SectionResult> {
  const raw: FirewallDriverResult[] = [];
  const rows: Row[] = [];
  for (const b of BACKENDS) {
    const skip = benchSkipReason(b.tools, false);
    if (skip !== null) {
      rows.push(skippedRow(`firewall ${b.key}`, skip));
      continue;
    }
    // A fresh namespace per backend: nothing of one backend's sets is seen by the other.
    const ns = createLoneNamespace(`fw-${b.key}`);
    try {
      log(`firewall: ${b.key}, ${fmtInt(BLOCKS)} blocks, sample ${fmtInt(SAMPLE)} one by one, in ${ns}`);
      const r = await runDriver(ns, b.key);
      raw.push(r);
      rows.push(...rowsFor(r));
    } catch (e) {
      rows.push(skippedRow(`firewall ${b.key}`, (e as Error).message));
    } finally {
      deleteNamespace(ns);
    }
  }
  const notes = [
    `${fmtInt(BLOCKS)} IPv4 /32 blocks (100.64.0.0/10, 3600 s timeout) through NftablesFirewall / IptablesFirewall.apply() in a fresh namespace per backend; one by one = one apply() per block on a ${fmtInt(SAMPLE)}-block sample, EXTRAPOLATED rows multiply its per-block time; a phase of many calls stops after ${PHASE_BUDGET_S} s, a single apply() hits the backend's own 30 s command timeout`,
  ];
  return { rows, raw, notes };
}
