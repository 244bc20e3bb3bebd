import { render } from 'ink';
import type { RunConfig } from '../config/run-config.js';
import { App, type EngineActions } from './app.js';
import { EngineClient } from './engine-client.js';
import { EngineDataStore } from './store/engine-data-store.js';
import { TerminalScreen } from './terminal-screen.js';
import { themeFromEnv } from './theme.js';
import { timeFormat } from './time-format.js';
import { isTerminalGone } from './terminal-gone.js';
import { closeSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { currentProcessPrivileges, dropToInvokingUser } from '../platform/privileges/drop-to-invoking-user.js';

/** Frames per second at most, whatever the packet rate: redraws over SSH stay cheap. */
export const MAX_FPS = 15;

export interface TuiOptions {
  /** Review the history file: no capture (--review). */
  review: boolean;
}

/**
 * The interactive UI: forks the engine process, renders its snapshots with Ink, and restores
 * the terminal on every exit path. Resolves with the exit status once the person quits, the
 * terminal goes away (0: a closed window or a dropped SSH link is an ordinary end), or the
 * engine process dies (1, with one line saying so).
 */
export async function runTui(config: RunConfig, options: TuiOptions = { review: false }): Promise<number> {
  const stdout = process.stdout;
  const screen = new TerminalScreen(stdout);
  const store = new EngineDataStore(MAX_FPS);
  const client = new EngineClient();
  // The engine is forked and keeps root (capture, firewall, history); from here on the UI runs
  // as the person behind sudo. Nothing below needs root: the terminal's fds are already open,
  // and files (history included) are read by the engine.
  const privileges = currentProcessPrivileges();
  try {
    if (privileges !== null) dropToInvokingUser(privileges);
  } catch (e) {
    await client.stop();
    process.stderr.write(`snoopy-tui: ${(e as Error).message}; stopping rather than run the UI as root\n`);
    return 1;
  }
  // A start failure (missing file, no privileges, unknown interface) is the same one line on
  // stderr as in headless mode, not a screen to dismiss.
  let exitLine: string | null = null;
  let started = false;
  client.onMessage((m) => {
    if (m.type === 'started') started = true;
    if (m.type === 'fatal' && !started) {
      exitLine = m.message;
      quit(1);
      return;
    }
    store.apply(m);
  });
  if (options.review) client.review(config);
  else client.start(config, { sshConnection: process.env['SSH_CONNECTION'] ?? null });

  const actions: EngineActions = {
    block: (address, durationSeconds, reason) => client.command({ name: 'block', address, durationSeconds, reason }),
    unblock: (address) => client.command({ name: 'unblock', address }),
    unblockAll: () => client.command({ name: 'unblockAll' }),
    history: (limit) => client.command({ name: 'history', limit }),
    setFeed: (filter, showOwn) => client.command({ name: 'feed', filter, showOwn }),
    checkAddress: (address) => client.command({ name: 'checkAddress', address }),
    activity: (address, limit) => client.command({ name: 'activity', address, limit }),
  };

  let finish: (code: number) => void = () => {};
  const done = new Promise<number>((resolve) => {
    finish = resolve;
  });
  let quitting = false;
  let instance: ReturnType<typeof render> | null = null;
  const quit = (code: number) => {
    if (quitting) return;
    quitting = true;
    try {
      instance?.unmount();
    } catch {
      // The terminal is gone: nothing to draw the last frame on.
    }
    screen.leave();
    store.dispose();
    void client.stop().then(() => finish(code));
  };
  // A closed terminal (tmux kill-session, a dropped SSH link) hangs up (SIGHUP) and makes reads
  // and writes fail with EIO: the session is over, which is an ordinary end, not a crash.
  let terminalGone = false;
  const onSignal = () => quit(0);
  const onHangup = () => {
    terminalGone = true;
    quit(0);
  };
  const onStreamError = (e: unknown) => {
    if (isTerminalGone(e)) onHangup();
    else onCrash(e);
  };
  const onCrash = (e: unknown) => {
    if (isTerminalGone(e)) {
      onHangup();
      return;
    }
    screen.leave();
    process.stderr.write(`snoopy-tui: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(70);
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', onHangup);
  process.on('SIGINT', onSignal);
  process.on('uncaughtException', onCrash);
  stdout.on('error', onStreamError);
  process.stdin.on('error', onStreamError);
  process.on('exit', () => {
    screen.leave();
    // Node restores the terminal's settings at exit and aborts when the terminal is gone (EIO);
    // it skips descriptors that were closed, so close them once nothing more will be written.
    if (terminalGone) releaseTerminal();
  });

  // SNOOPY_UI_METRICS=FILE: frames rendered, UI CPU and the UI's own event-loop lag, written at exit (benchmarks).
  const metricsFile = process.env['SNOOPY_UI_METRICS'];
  const lag = metricsFile ? monitorEventLoopDelay({ resolution: 10 }) : null;
  lag?.enable();
  const metrics = { frames: 0, firstFrameMs: 0, startedAt: performance.now(), cpuAtStart: process.cpuUsage(), lag };
  const bell = config.bell ? () => stdout.write('\u0007') : undefined;
  screen.enter();
  instance = render(
    <App
      store={store}
      actions={actions}
      theme={themeFromEnv()}
      blockSeconds={config.blockDurationSeconds}
      dryRun={config.dryRun}
      trustedProcesses={new Set(config.trustedProcesses)}
      time={timeFormat(config.utc)}
      {...(bell !== undefined ? { bell } : {})}
      initialPane={options.review ? 'history' : 'feed'}
      onQuit={() => quit(0)}
    />,
    { exitOnCtrlC: false, patchConsole: false, maxFps: MAX_FPS, onRender: () => {
      if (metrics.frames++ === 0) metrics.firstFrameMs = performance.now();
    } },
  );
  if (quitting) instance.unmount();
  void client.exited.then(({ code, signal }) => {
    if (quitting) return;
    // The engine holds the capture, the firewall and the history: without it the UI shows nothing true.
    exitLine = `the engine process ${signal !== null ? `was killed (${signal})` : `exited unexpectedly (status ${code ?? 'unknown'})`}: monitoring stopped`;
    quit(1);
  });
  const code = await done;
  if (metricsFile) writeMetrics(metricsFile, metrics);
  if (exitLine !== null) {
    try {
      process.stderr.write(`snoopy-tui: ${exitLine}\n`);
    } catch {
      // No terminal left to say it on.
    }
  }
  process.off('SIGTERM', onSignal);
  process.off('SIGHUP', onHangup);
  process.off('SIGINT', onSignal);
  process.off('uncaughtException', onCrash);
  return code;
}

function releaseTerminal(): void {
  for (const fd of [0, 1, 2]) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
  }
}

function writeMetrics(file: string, m: { frames: number; firstFrameMs: number; startedAt: number; cpuAtStart: NodeJS.CpuUsage; lag: IntervalHistogram | null }): void {
  const seconds = (performance.now() - m.startedAt) / 1000;
  const cpu = process.cpuUsage(m.cpuAtStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  // firstFrameMs counts from process start (performance's time origin).
  m.lag?.disable();
  // Nanoseconds, sampled like the engine's event_loop_lag_ms (10 ms resolution) so the two compare.
  const ms = (ns: number): number => Math.round(ns / 1e4) / 100;
  const eventLoopLagMs = m.lag === null ? null : { p50: ms(m.lag.percentile(50)), p99: ms(m.lag.percentile(99)), max: ms(m.lag.max), mean: ms(m.lag.mean) };
  const record = { firstFrameMs: Math.round(m.firstFrameMs), frames: m.frames, seconds, framesPerSecond: m.frames / seconds, uiCpuSeconds: cpuSeconds, uiCpuShare: cpuSeconds / seconds, eventLoopLagMs };
  try {
    writeFileSync(file, `${JSON.stringify(record)}\n`);
  } catch {
    // Metrics are best effort.
  }
}
