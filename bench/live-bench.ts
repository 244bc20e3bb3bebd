/**
 * Section "live": live capture under an hping3 flood. The built binary runs headless in the
 * victim namespace (nftables, --auto-block, as in production); `hping3 -S --flood` from one
 * source, then with --rand-source, FLOOD_SECONDS each, from the attacker namespace, each with a
 * fresh engine. Reported: packets sent (attacker veth tx_packets), arrived (victim veth
 * rx_packets), captured (stats.packets), kernel drops (stats.dropped, patched cap), alerts,
 * peak RSS (VmHWM of the engine), worst event-loop lag p99 over the stats lines.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { HeadlessProcess } from '../test/e2e/headless-process.js';
import { spawnIn, stopChild, type NetnsPair } from '../test/support/netns.js';
import { benchSkipReason, ifCounter, withNetnsPair } from './bench-netns.js';
import { fmtInt, log, oneRow, passMiss, skippedRow, type Row, type SectionResult } from './table.js';

const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 5);
const TARGET_RSS_MB = 300;
const PORT = 8080;

export interface LiveFloodResult {
  flood: 'single' | 'spoofed';
  seconds: number;
  sent: number;
  arrived: number;
  /** Victim veth tx_packets during the flood (its SYN-ACKs / RSTs, which the capture sees too). */
  replied: number;
  captured: number;
  dropped: number | null;
  alerts: number;
  peak_rss_mb: number;
  lag_p99_worst_ms: number;
  lag_max_worst_ms: number;
  /** Every stats line of the run, as printed. */
  stats: Record<string, unknown>[];
  error?: string;
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? NaN : Number(m[1]) / 1024;
  } catch {
    return NaN;
  }
}

async function oneFlood(net: NetnsPair, flood: 'single' | 'spoofed', tmp: string): Promise<LiveFloodResult> {
  const engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '1', '--no-fail2ban', '--firewall', 'nftables', '--auto-block',
    '--history', join(tmp, `history-${flood}.json`), '--log-dir', join(tmp, `logs-${flood}`)]);
  let peak = 0;
  let sent = 0;
  let arrived = 0;
  let replied = 0;
  let seconds = 0;
  try {
    await engine.waitForLine((j) => j.event_type === 'stats', 10_000, 'first stats line');
    const tx0 = ifCounter(net.attacker, net.attackerIf, 'tx_packets');
    const rx0 = ifCounter(net.victim, net.victimIf, 'rx_packets');
    const vtx0 = ifCounter(net.victim, net.victimIf, 'tx_packets');
    const args = ['hping3', '-q', '-S', '-p', String(PORT), '--flood', ...(flood === 'spoofed' ? ['--rand-source'] : []), net.victimV4];
    const hping = spawnIn(net.attacker, args, { stdio: 'ignore' });
    const t0 = Date.now();
    // Sample the high-water mark as we go too (the process may exit before we read it at the end).
    while (Date.now() - t0 < FLOOD_SECONDS * 1000) {
      await sleep(250);
      peak = Math.max(peak, vmHwmMb(engine.child.pid!));
    }
    await stopChild(hping, 'SIGKILL');
    seconds = (Date.now() - t0) / 1000;
    sent = ifCounter(net.attacker, net.attackerIf, 'tx_packets') - tx0;
    arrived = ifCounter(net.victim, net.victimIf, 'rx_packets') - rx0;
    replied = ifCounter(net.victim, net.victimIf, 'tx_packets') - vtx0;
    // Let the engine drain its capture buffer and print a stats line covering the whole flood.
    const seen = engine.lines.length;
    await engine.waitForLine((j) => j.event_type === 'stats', 5000, 'stats after the flood', seen);
    await sleep(1200);
    peak = Math.max(peak, vmHwmMb(engine.child.pid!));
  } finally {
    await engine.interrupt(15_000).catch(() => engine.kill());
  }
  const stats = engine.byType('stats').map((l) => l.json!);
  const last = stats[stats.length - 1] ?? {};
  const lag = stats.map((s) => s.event_loop_lag_ms as { p99?: number; max?: number } | undefined);
  return {
    flood,
    seconds,
    sent,
    arrived,
    replied,
    captured: Number(last.packets ?? NaN),
    dropped: typeof last.dropped === 'number' ? last.dropped : null,
    alerts: Number(last.alerts ?? NaN),
    peak_rss_mb: peak,
    lag_p99_worst_ms: Math.max(...lag.map((l) => Number(l?.p99 ?? NaN))),
    lag_max_worst_ms: Math.max(...lag.map((l) => Number(l?.max ?? NaN))),
    stats,
  };
}

function rowsFor(r: LiveFloodResult): Row[] {
  const section = `live ${r.flood}`;
  if (r.error !== undefined) return [skippedRow(section, `failed: ${r.error}`)];
  const per = (n: number): string => `${fmtInt(n / r.seconds)} pkt/s`;
  // The capture sees both directions: what arrived and what the victim's stack answered.
  const wire = r.arrived + r.replied;
  const share = (n: number): string => (wire > 0 ? `${((100 * n) / wire).toFixed(1)} % of rx+tx` : '');
  return [
    oneRow(section, `packets sent by hping3 -S --flood${r.flood === 'spoofed' ? ' --rand-source' : ''} (attacker veth tx)`, r.sent, 'count', { rate: per(r.sent), note: `${r.seconds.toFixed(1)} s` }),
    oneRow(section, 'packets arrived (victim veth rx_packets)', r.arrived, 'count', { rate: per(r.arrived), note: r.sent > 0 ? `${((100 * r.arrived) / r.sent).toFixed(1)} % of sent` : '' }),
    oneRow(section, 'victim replies (victim veth tx_packets; captured too)', r.replied, 'count', { rate: per(r.replied) }),
    oneRow(section, 'packets captured (stats.packets)', r.captured, 'count', { rate: per(r.captured), note: share(r.captured) }),
    oneRow(section, 'kernel drops (stats.dropped)', r.dropped ?? NaN, 'count', { note: r.dropped === null ? 'not reported (unpatched cap?)' : share(r.dropped) }),
    oneRow(section, 'alerts (stats.alerts)', r.alerts, 'count'),
    oneRow(section, 'engine peak RSS (VmHWM)', r.peak_rss_mb, 'MB', r.flood === 'spoofed' ? { target: `< ${TARGET_RSS_MB} MB`, result: passMiss(r.peak_rss_mb < TARGET_RSS_MB) } : {}),
    oneRow(section, 'worst event-loop lag p99 over stats lines', r.lag_p99_worst_ms, 'ms', { note: `worst max ${r.lag_max_worst_ms} ms` }),
  ];
}

export async function benchLive(): Promise<SectionResult> {
  const skip = benchSkipReason(['hping3', 'nft']);
  if (skip !== null) return { rows: [skippedRow('live', skip)], raw: null };
  const results: LiveFloodResult[] = [];
  await withNetnsPair(async (net) => {
    const tmp = mkdtempSync(join(tmpdir(), 'snp-bench-live-'));
    try {
      for (const flood of ['single', 'spoofed'] as const) {
        log(`live: hping3 ${flood} flood for ${FLOOD_SECONDS} s`);
        try {
          results.push(await oneFlood(net, flood, tmp));
        } catch (e) {
          results.push({ flood, seconds: 0, sent: 0, arrived: 0, replied: 0, captured: 0, dropped: null, alerts: 0, peak_rss_mb: NaN, lag_p99_worst_ms: NaN, lag_max_worst_ms: NaN, stats: [], error: (e as Error).message.slice(0, 200) });
        }
        const r = results[results.length - 1]!;
        log(`live ${flood}: sent ${r.sent}, arrived ${r.arrived}, captured ${r.captured}, dropped ${r.dropped}, peak RSS ${r.peak_rss_mb.toFixed(0)} MB${r.error !== undefined ? `, error ${r.error}` : ''}`);
      }
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
  const notes = [
    `dist/cli.js --headless -i <veth> --firewall nftables --auto-block in the victim namespace, a fresh engine per flood; hping3 -S -p ${PORT} --flood [--rand-source] for ${FLOOD_SECONDS} s from the attacker namespace; counters from /sys/class/net; captured + dropped ≈ victim rx + tx`,
  ];
  return { rows: results.flatMap(rowsFor), raw: results, notes };
}
