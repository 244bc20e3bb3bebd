/**
 * Section "rate": live capture at set packet rates, ours beside `tcpdump -w /dev/null` on the same
 * veth. A spoofed SYN flood is sent from the attacker namespace at a fixed rate for STEP_SECONDS
 * (bench/flood-sender.ts: trafgen, else tcpreplay of the replay section's recorded flood); the
 * frames are not addressed to the victim's MAC, so its stack ignores them (no replies) and both
 * captures see exactly what was sent. Per step: packets arrived (victim veth rx_packets), captured, and kernel drops —
 * tcpdump's own "dropped by kernel" line at exit, our stats line's `dropped` (pcap_stats).
 *
 * 1. tcpdump climbs the ladder of RATES until a step drops packets: the last step without drops is
 *    the peer's zero-drop rate R (the sender's reachable rate caps the ladder: the achieved rate is
 *    what arrived).
 * 2. Ours (dist/cli.js --headless, nftables, --auto-block, as in production) at R, and both at 2R.
 * 3. With BENCH_BASELINE_CLI=/path/to/other/dist/cli.js (an older build, say), that build too at R
 *    and 2R, in the same run: a before/after on the same machine and load.
 */
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildProcess } from 'node:child_process';
import { HeadlessProcess } from '../test/e2e/headless-process.js';
import { spawnIn, stopChild, type NetnsPair } from '../test/support/netns.js';
import { chooseFloodSender, type FloodSender } from './flood-sender.js';
import { benchSkipReason, ifCounter, withNetnsPair } from './bench-netns.js';
import { fmtInt, log, oneRow, passMiss, skippedRow, type Row, type SectionResult } from './table.js';

const STEP_SECONDS = Number(process.env.BENCH_RATE_SECONDS ?? 3);
const RATES = [25_000, 50_000, 100_000, 200_000, 300_000, 400_000, 600_000, 800_000, 1_200_000];
const SECTION = 'rate';

const BASELINE_CLI = process.env.BENCH_BASELINE_CLI ?? null;

export interface RateStep {
  who: 'tcpdump' | 'ours' | 'baseline';
  pps_asked: number;
  seconds: number;
  arrived: number;
  captured: number;
  dropped: number | null;
  error?: string;
}

/** Collects a child's stderr. */
function stderrOf(child: ChildProcess): () => string {
  let text = '';
  child.stderr?.on('data', (b: Buffer) => {
    text += b.toString();
  });
  return () => text;
}

async function tcpdumpStep(net: NetnsPair, sender: FloodSender, pps: number): Promise<RateStep> {
  const child = spawnIn(net.victim, ['tcpdump', '-n', '-i', net.victimIf, '-w', '/dev/null'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const err = stderrOf(child);
  try {
    const t0 = Date.now();
    while (!/listening on/.test(err())) {
      if (Date.now() - t0 > 10_000) throw new Error(`tcpdump did not start: ${err().slice(0, 200)}`);
      await sleep(20);
    }
    const rx0 = ifCounter(net.victim, net.victimIf, 'rx_packets');
    const seconds = await sender.send(net, pps, STEP_SECONDS);
    const arrived = ifCounter(net.victim, net.victimIf, 'rx_packets') - rx0;
    await sleep(300);
    await stopChild(child, 'SIGINT', 5000);
    const captured = Number(/(\d+) packets captured/.exec(err())?.[1] ?? NaN);
    const dropped = Number(/(\d+) packets dropped by kernel/.exec(err())?.[1] ?? NaN);
    return { who: 'tcpdump', pps_asked: pps, seconds, arrived, captured, dropped: Number.isFinite(dropped) ? dropped : null };
  } finally {
    await stopChild(child, 'SIGKILL').catch(() => undefined);
  }
}

async function oursStep(net: NetnsPair, sender: FloodSender, pps: number, tmp: string, n: number, cli: string | null = null): Promise<RateStep> {
  const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '1', '--no-fail2ban', '--firewall', 'nftables', '--auto-block',
    '--history', join(tmp, `history-${n}.json`), '--log-dir', join(tmp, `logs-${n}`)], [], cli === null ? undefined : [process.execPath, cli]);
  try {
    await engine.waitForLine((j) => j.event_type === 'stats', 15_000, 'first stats line');
    const before = engine.byType('stats').at(-1)!.json!;
    const rx0 = ifCounter(net.victim, net.victimIf, 'rx_packets');
    const seconds = await sender.send(net, pps, STEP_SECONDS);
    const arrived = ifCounter(net.victim, net.victimIf, 'rx_packets') - rx0;
    // Until a stats line counts everything that arrived (or 10 s): the backlog is worked off.
    const want = Number(before['packets'] ?? 0) + arrived;
    const t0 = Date.now();
    let last = engine.byType('stats').at(-1)!.json!;
    while (Date.now() - t0 < 10_000) {
      const seen = engine.lines.length;
      await engine.waitForLine((j) => j.event_type === 'stats', 5000, 'stats after the flood', seen);
      last = engine.byType('stats').at(-1)!.json!;
      if (Number(last['packets']) + Number(last['dropped'] ?? 0) >= want) break;
    }
    const dropped = typeof last['dropped'] === 'number' ? last['dropped'] - Number(before['dropped'] ?? 0) : null;
    return { who: cli === null ? 'ours' : 'baseline', pps_asked: pps, seconds, arrived, captured: Number(last['packets']) - Number(before['packets'] ?? 0), dropped };
  } finally {
    await engine.interrupt(15_000).catch(() => engine.kill());
  }
}

function stepRow(s: RateStep, label: string, extra: Partial<Row> = {}): Row {
  if (s.error !== undefined) return skippedRow(SECTION, `${label}: failed: ${s.error}`);
  const rate = s.arrived / s.seconds;
  const dropShare = s.dropped === null ? 'drops not reported' : `${((100 * s.dropped) / Math.max(1, s.arrived)).toFixed(2)} % of arrived`;
  // A capture can lose packets its drop counter never saw (still queued when it stopped): said apart.
  const short = s.arrived - s.captured > 0 ? `, ${fmtInt(s.arrived - s.captured)} fewer captured than arrived` : '';
  const note = `arrived ${fmtInt(s.arrived)}, captured ${fmtInt(s.captured)}, ${dropShare}${short}`;
  return oneRow(SECTION, `${label}: kernel drops at --pps ${fmtInt(s.pps_asked)}`, s.dropped ?? NaN, 'count', {
    rate: `${fmtInt(rate)} pkt/s arrived`,
    ...extra,
    note: extra.note === undefined ? note : `${note}; ${extra.note}`,
  });
}

export async function benchLiveRate(file: string | null): Promise<SectionResult> {
  const skip = benchSkipReason(['tcpdump', 'nft']);
  if (skip !== null) return { rows: [skippedRow(SECTION, skip)], raw: null };
  const senderDir = mkdtempSync(join(tmpdir(), 'snp-bench-sender-'));
  const sender = chooseFloodSender(senderDir, file !== null && existsSync(file) ? file : null);
  if (sender === null) return { rows: [skippedRow(SECTION, 'no sender: neither trafgen nor tcpreplay with a spoofed flood pcap in bench/out')], raw: null };
  const ladder: RateStep[] = [];
  const ours: RateStep[] = [];
  const peerAt2x: RateStep[] = [];
  const baseline: RateStep[] = [];
  let zeroDrop: RateStep | null = null;
  await withNetnsPair(async (net) => {
    const tmp = mkdtempSync(join(tmpdir(), 'snp-bench-rate-'));
    try {
      for (const pps of RATES) {
        const s = await tcpdumpStep(net, sender, pps).catch((e: Error) => ({ who: 'tcpdump' as const, pps_asked: pps, seconds: 0, arrived: 0, captured: 0, dropped: null, error: e.message.slice(0, 160) }));
        ladder.push(s);
        log(`rate: tcpdump at --pps ${pps}: arrived ${s.arrived} in ${s.seconds.toFixed(1)} s, captured ${s.captured}, dropped ${s.dropped}${s.error ? `, ${s.error}` : ''}`);
        if (s.error !== undefined || s.dropped === null || s.dropped > 0) break;
        zeroDrop = s;
        // The sender cannot go faster: the next step would send no more.
        if (s.arrived / s.seconds < 0.8 * pps) break;
      }
      if (zeroDrop === null) return;
      const r: RateStep = zeroDrop;
      let n = 0;
      for (const pps of [r.pps_asked, 2 * r.pps_asked]) {
        const s = await oursStep(net, sender, pps, tmp, n++).catch((e: Error) => ({ who: 'ours' as const, pps_asked: pps, seconds: 0, arrived: 0, captured: 0, dropped: null, error: e.message.slice(0, 160) }));
        ours.push(s);
        log(`rate: ours at --pps ${pps}: arrived ${s.arrived}, captured ${s.captured}, dropped ${s.dropped}${s.error ? `, ${s.error}` : ''}`);
      }
      if (BASELINE_CLI !== null) {
        for (const pps of [r.pps_asked, 2 * r.pps_asked]) {
          const s = await oursStep(net, sender, pps, tmp, n++, BASELINE_CLI).catch((e: Error) => ({ who: 'baseline' as const, pps_asked: pps, seconds: 0, arrived: 0, captured: 0, dropped: null, error: e.message.slice(0, 160) }));
          baseline.push(s);
          log(`rate: baseline ${BASELINE_CLI} at --pps ${pps}: arrived ${s.arrived}, captured ${s.captured}, dropped ${s.dropped}${s.error ? `, ${s.error}` : ''}`);
        }
      }
      const p2 = ladder.find((s) => s.pps_asked === 2 * r.pps_asked) ?? (await tcpdumpStep(net, sender, 2 * r.pps_asked).catch(() => null));
      if (p2 !== null) peerAt2x.push(p2);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }).finally(() => rmSync(senderDir, { recursive: true, force: true }));
  const rows: Row[] = ladder.map((s) => stepRow(s, 'tcpdump -w /dev/null'));
  if (zeroDrop === null) rows.push(skippedRow(SECTION, 'tcpdump dropped at every rate of the ladder (or failed): no zero-drop rate to compare at'));
  else {
    const z: RateStep = zeroDrop;
    rows.push(oneRow(SECTION, "tcpdump's zero-drop rate R (last ladder step without drops)", z.arrived / z.seconds, 'count', { rate: `--pps ${fmtInt(z.pps_asked)}` }));
    if (ours[0] !== undefined) rows.push(stepRow(ours[0], 'ours at R', { target: '0 drops', result: ours[0].dropped === null ? '' : passMiss(ours[0].dropped === 0) }));
    // The sender's limit caps 2R: the row says how far past R the flood really went.
    const reach = (s: RateStep): Partial<Row> => ({ note: `the sender reached ${(s.arrived / s.seconds / (z.arrived / z.seconds)).toFixed(2)}× R` });
    if (ours[1] !== undefined) rows.push(stepRow(ours[1], 'ours at 2R', reach(ours[1])));
    if (peerAt2x[0] !== undefined) rows.push(stepRow(peerAt2x[0], 'tcpdump at 2R', reach(peerAt2x[0])));
    if (baseline[0] !== undefined) rows.push(stepRow(baseline[0], 'baseline at R'));
    if (baseline[1] !== undefined) rows.push(stepRow(baseline[1], 'baseline at 2R'));
  }
  const notes = [
    `${sender.description}, from the attacker namespace, ${STEP_SECONDS} s per step; tcpdump -n -i <veth> -w /dev/null vs dist/cli.js --headless -i <veth> --firewall nftables --auto-block, each started fresh per step in the victim namespace`,
  ];
  if (BASELINE_CLI !== null) notes.push(`baseline: ${BASELINE_CLI}, the same way`);
  return { rows, raw: { ladder, ours, peer_at_2x: peerAt2x, baseline }, notes };
}
