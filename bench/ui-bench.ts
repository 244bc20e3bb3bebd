/**
 * Section "ui": the real TUI (`node dist/cli.js --replay F --speed max`) in a detached tmux
 * session on a private server (test/support/tmux.ts), with SNOOPY_UI_METRICS=FILE so the UI
 * process writes its frames, CPU and event-loop lag at exit. F is the spoofed flood of the
 * replay section (1,000,000 packets by default).
 *
 * - Full replay: started, `q` sent as soon as the header says [end of replay]; frames/s and UI
 *   CPU are over the UI's whole session (first render to exit), which is the replay plus the
 *   engine's start and our ≤ 50 ms polling. Target: ≤ 15 frames/s whatever the packet rate.
 * - First frame: FIRST_FRAME_RUNS separate starts, `q` once the tab bar shows; firstFrameMs
 *   counts from the UI process's start (performance.timeOrigin). Target: ≤ 0.3 s.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TmuxServer, tmuxAvailable } from '../test/support/tmux.js';
import { CLI, ROOT } from './bench-netns.js';
import { log, makeRow, oneRow, passMiss, skippedRow, spread, type Row, type SectionResult } from './table.js';

const FIRST_FRAME_RUNS = 5;
const TARGET_FPS = 15;
const TARGET_FIRST_FRAME_MS = 300;
const SECTION = 'ui';
const TAB_BAR = /1 Packets\s+2 Connections\s+3 Alerts/;
const END_OF_REPLAY = /\[end of replay\]/;

/** What src/ui/run-tui.tsx writes to SNOOPY_UI_METRICS. */
export interface UiMetrics {
  firstFrameMs: number;
  frames: number;
  seconds: number;
  framesPerSecond: number;
  uiCpuSeconds: number;
  uiCpuShare: number;
  eventLoopLagMs: { p50: number; p99: number; max: number; mean: number } | null;
}

interface UiRun {
  kind: 'full replay' | 'first frame';
  metrics: UiMetrics;
  /** From the program's start (after the wrapper's delay) to the screen state we waited for, as polled. */
  screen_wait_ms: number;
  exit_status: number;
}

async function oneRun(server: TmuxServer, dir: string, file: string, n: number, kind: UiRun['kind']): Promise<UiRun> {
  const metricsFile = join(dir, `metrics-${n}.json`);
  const startDelayS = 0.3;
  const session = server.start({
    name: `ui${n}`,
    width: 120,
    height: 40,
    cwd: ROOT,
    argv: [process.execPath, CLI, '--replay', file, '--speed', 'max'],
    env: { SNOOPY_UI_METRICS: metricsFile },
    startDelaySeconds: startDelayS,
    lingerSeconds: 2,
  });
  const t0 = Date.now() + startDelayS * 1000;
  await session.waitForScreen(kind === 'full replay' ? END_OF_REPLAY : TAB_BAR, kind === 'full replay' ? 120_000 : 15_000, kind);
  const waited = Date.now() - t0;
  await session.keys(['q'], 0);
  const status = await session.waitForExit(15_000);
  if (!existsSync(metricsFile)) throw new Error(`the UI wrote no metrics to ${metricsFile} (exit ${status})`);
  return { kind, metrics: JSON.parse(readFileSync(metricsFile, 'utf8')) as UiMetrics, screen_wait_ms: waited, exit_status: status };
}

export async function benchUi(file: string | null): Promise<SectionResult> {
  if (!tmuxAvailable()) return { rows: [skippedRow(SECTION, 'tmux missing')], raw: null };
  if (!existsSync(CLI)) return { rows: [skippedRow(SECTION, 'dist/cli.js missing (npm run build)')], raw: null };
  if (file === null || !existsSync(file)) return { rows: [skippedRow(SECTION, 'no spoofed flood pcap in bench/out')], raw: null };
  const dir = mkdtempSync(join(tmpdir(), 'snp-bench-ui-'));
  const server = new TmuxServer(dir, `snp-bench-${process.pid}`);
  const runs: UiRun[] = [];
  try {
    // One after the other: two UIs at once would share the 2 cores and skew both.
    log('ui: full-speed replay in tmux');
    runs.push(await oneRun(server, dir, file, 0, 'full replay'));
    for (let i = 1; i <= FIRST_FRAME_RUNS; i++) {
      runs.push(await oneRun(server, dir, file, i, 'first frame'));
      log(`ui: first frame ${i}/${FIRST_FRAME_RUNS}: ${runs[runs.length - 1]!.metrics.firstFrameMs} ms`);
    }
  } catch (e) {
    return { rows: [skippedRow(SECTION, `failed: ${(e as Error).message.split('\n')[0]}`)], raw: runs };
  } finally {
    server.kill();
    rmSync(dir, { recursive: true, force: true });
  }
  const full = runs[0]!.metrics;
  const firsts = runs.slice(1).map((r) => r.metrics.firstFrameMs);
  const ff = spread(firsts);
  const lag = full.eventLoopLagMs;
  const rows: Row[] = [
    oneRow(SECTION, 'frames/s, full-speed replay of the spoofed flood', full.framesPerSecond, 'fps', {
      target: `≤ ${TARGET_FPS} fps`,
      result: passMiss(full.framesPerSecond <= TARGET_FPS),
      note: `${full.frames} frames in ${full.seconds.toFixed(2)} s (first render → q at [end of replay])`,
    }),
    oneRow(SECTION, 'UI process CPU over that session', full.uiCpuShare * 100, '%', { note: `${full.uiCpuSeconds.toFixed(2)} s CPU; the engine is a separate process` }),
    oneRow(SECTION, 'UI event-loop lag p99 over that session', lag?.p99 ?? NaN, 'ms', { note: lag == null ? 'not in the metrics file (older dist/?)' : `p50 ${lag.p50} ms, max ${lag.max} ms (monitorEventLoopDelay, 10 ms resolution: an idle loop reads ~10 ms)` }),
    makeRow(SECTION, 'time to first frame (from UI process start)', ff, 'ms', {
      target: `≤ ${TARGET_FIRST_FRAME_MS} ms`,
      result: passMiss(ff.median <= TARGET_FIRST_FRAME_MS),
      note: `median of ${ff.n} separate starts: ${firsts.join(', ')} ms`,
    }),
  ];
  return { rows, raw: runs };
}
