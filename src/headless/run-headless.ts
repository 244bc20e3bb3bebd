import type { RunConfig } from '../config/run-config.js';
import type { Alert } from '../model/alert.js';
import { openPacketSource } from '../engine/capture/open-source.js';
import { Engine } from '../engine/engine.js';
import { createEnrichers } from '../enrich/create-enrichers.js';
import { openRecorder } from '../store/open-recorder.js';
import { loadBlocklists } from '../engine/detectors/blocklist/load-blocklists.js';
import { openForensic } from '../store/forensic/open-forensic.js';
import { hostAddresses } from '../platform/network-interfaces.js';
import { JsonLinesWriter } from '../sinks/json-lines/json-lines-writer.js';
import { createBlockManager } from '../response/create-block-manager.js';
import { openAuthLog } from '../platform/logs/open-auth-log.js';
import { ProcSampler } from '../platform/processes/proc-sampler.js';
import { createNotifier } from '../sinks/notify/create-notifier.js';
import { verboseAlertLine } from '../sinks/verbose/verbose-line.js';
import { settingsNeedingRestart } from '../config/reload-diff.js';
import { ConfigError } from '../config/config-error.js';

export interface HeadlessIo {
  stdout: NodeJS.WritableStream & import('node:stream').Writable;
  /** One diagnostic line (no trailing newline needed). */
  diagnostic(line: string): void;
  /** Reads the flags and -c file again (SIGHUP); throws ConfigError when the new config is bad. */
  reloadConfig?: () => RunConfig;
}

/** How long the end of a run waits for queued notifications before giving up on them. */
const NOTIFY_GRACE_MS = 3000;

/**
 * `--headless`: alerts, alert updates and stats as JSON lines on stdout (DESIGN §3.2).
 * A replay ends with a stats line; a live run prints one every --refresh seconds and a last
 * one on SIGINT/SIGTERM. Returns the exit status.
 */
export async function runHeadless(config: RunConfig, io: HeadlessIo): Promise<number> {
  // SIGINT/SIGTERM are ours from the first moment to the last: a signal while the run starts up
  // (the firewall probe, ss, the history) or shuts down (history, notifications) ends it
  // cleanly with its last stats line, instead of killing it half-way.
  let stopRequested = false;
  let stopEngine: (() => void) | null = null;
  const onStopSignal = () => {
    stopRequested = true;
    stopEngine?.();
  };
  process.on('SIGINT', onStopSignal);
  process.on('SIGTERM', onStopSignal);
  try {
    return await runHeadlessUntilStopped(config, io, () => stopRequested, (stop) => (stopEngine = stop));
  } finally {
    process.removeListener('SIGINT', onStopSignal);
    process.removeListener('SIGTERM', onStopSignal);
  }
}

async function runHeadlessUntilStopped(config: RunConfig, io: HeadlessIo, stopRequested: () => boolean, onStoppable: (stop: () => void) => void): Promise<number> {
  const blocklists = await loadBlocklists(config.blocklists, (line) => io.diagnostic(`snoopy-tui: ${line}`));
  const source = await openPacketSource(config);
  const out = new JsonLinesWriter(io.stdout);
  const recorder = await openRecorder(config, (line) => io.diagnostic(`snoopy-tui: ${line}`));
  const forensic = openForensic(config, (line) => io.diagnostic(`snoopy-tui: ${line}`));
  const notifier = createNotifier(config, {
    warn: (line) => io.diagnostic(`snoopy-tui: warning: ${line}`),
    ...(config.debug ? { debug: (line: string) => io.diagnostic(`snoopy-tui: ${line}`) } : {}),
  });
  let running = config;
  const homeNet = config.homeNet ?? (source.kind === 'live' ? hostAddresses() : null);
  let engine: Engine | null = null;
  const responder = await createBlockManager(config, {
    canPrompt: false,
    recorder,
    onEvent: (event) => out.write(event),
    onAlertChanged: (alert) => engine?.pipeline.alerts.changed(alert),
    onBlocked: (record) => notifier.notifyBlock(record),
    warn: (line) => io.diagnostic(`snoopy-tui: ${line}`),
    debug: (line) => {
      if (config.debug) io.diagnostic(`snoopy-tui: ${line}`);
    },
  }, source.kind);
  engine = new Engine({
    responder,
    config,
    ...createEnrichers(config),
    forensic,
    blocklists,
    source,
    homeNet,
    ...(config.homeNet === null && source.kind === 'live' ? { homeNetProvider: hostAddresses } : {}),
    authLog: openAuthLog(config.authLog, source.kind === 'live', (line) => io.diagnostic(`snoopy-tui: ${line}`)),
    processSampler: config.processMonitor && source.kind === 'live' ? new ProcSampler() : null,
    onAlert: (alert: Alert, kind) => {
      recorder.alert(alert, kind);
      out.write(kind === 'new' ? alert : { ...alert, event_type: 'alert_update' });
      // After the JSON line: a channel never delays the alert record (it only queues here).
      if (kind === 'new') {
        if (running.verbose) io.diagnostic(verboseAlertLine(alert));
        notifier.notifyAlert(alert);
      }
    },
  });
  out.onClosed = () => engine.stop();

  let statsTimer: NodeJS.Timeout | null = null;
  // SIGHUP (systemctl reload): read the config again; new thresholds reach the running
  // detectors, which keep their state. A bad file changes nothing. Without -c there is nothing to read.
  const reloadOnSignal = () => {
    if (io.reloadConfig === undefined || config.configFile === null) {
      io.diagnostic('snoopy-tui: warning: SIGHUP: no config file to reload (start with -c FILE)');
      return;
    }
    let next: RunConfig;
    try {
      next = io.reloadConfig();
    } catch (e) {
      const why = e instanceof ConfigError ? e.message : (e as Error).message;
      io.diagnostic(`snoopy-tui: warning: SIGHUP: config not reloaded, keeping the running one: ${why}`);
      return;
    }
    const notApplied = [...engine.reconfigure(next), ...settingsNeedingRestart(running, next)];
    running = { ...running, thresholds: next.thresholds, verbose: next.verbose };
    io.diagnostic(
      `snoopy-tui: reloaded ${config.configFile}: port scan ${next.thresholds.portScan.ports} ports / ${next.thresholds.portScan.windowSeconds} s` +
        (notApplied.length > 0 ? `; not applied until restart: ${notApplied.join(', ')}` : ''),
    );
  };
  process.on('SIGHUP', reloadOnSignal);
  // Printed once signals are handled: a test (or a script) may signal as soon as it sees it.
  if (config.debug) io.diagnostic(`snoopy-tui: reading ${source.kind === 'live' ? 'interface' : 'file'} ${source.description}${homeNet ? `, home net ${homeNet.join(',')}` : ''}`);
  if (source.kind === 'live') {
    statsTimer = setInterval(() => out.write({ event_type: 'stats', ...engine.stats() }), config.refreshSeconds * 1000);
  }
  onStoppable(() => engine.stop());
  // Asked to stop while starting: release the source without running it.
  let end: Awaited<ReturnType<Engine['run']>>;
  if (stopRequested()) {
    engine.stop();
    end = { reason: 'stopped' };
  } else end = await engine.run();
  engine.close();
  await responder.stop(config.flushOnExit);
  await Promise.all([recorder.close(), forensic?.close()]);
  if (statsTimer !== null) clearInterval(statsTimer);
  out.write({ event_type: 'stats', ...engine.stats() });
  await out.drain();
  // After the last line: notifications still queued get a short grace, then are given up.
  await notifier.close(NOTIFY_GRACE_MS);
  process.removeListener('SIGHUP', reloadOnSignal);
  if (end.reason === 'error') {
    io.diagnostic(`snoopy-tui: ${end.error ?? 'capture ended with an error'}`);
    return 2;
  }
  return 0;
}
