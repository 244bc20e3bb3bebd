import type { RunConfig } from '../../config/run-config.js';
import { settingsNeedingRestart } from '../../config/reload-diff.js';
import type { Host } from '../../host/host.js';
import type { EngineStats } from '../../model/index.js';
import type { BlockManager } from '../../response/block-manager.js';
import type { BlockTiming } from '../../response/block-timing.js';
import { historySink } from '../../sinks/history/history-sink.js';
import { createNotifier } from '../../sinks/notify/create-notifier.js';
import { notificationSink } from '../../sinks/notify/notification-sink.js';
import { SinkSet, type RunSink } from '../../sinks/run-sink.js';
import type { RunRecorder } from '../../store/run-recorder.js';
import type { PacketSource, SourceEnd } from '../capture/packet-source.js';
import { loadBlocklists } from '../detectors/blocklist/load-blocklists.js';
import { Engine } from '../engine.js';
import type { PacketFeed } from '../feed/packet-feed.js';
import { createBlockManager } from './create-block-manager.js';
import { createEnrichers, type Enrichers } from './create-enrichers.js';
import { openForensic } from './open-forensic.js';
import { openPacketSource } from './open-packet-source.js';
import { openRecorder } from './open-recorder.js';
import { attachFleet, type AttachedFleet } from './attach-fleet.js';
import { outputSinks, runReadings } from './output-sinks.js';
import type { FleetStatus } from '../../model/fleet-status.js';

export interface RunOptions {
  config: RunConfig;
  host: Host;
  /**
   * Outputs besides the history, daily logs and notifications the config asks for (JSON lines,
   * the verbose line …), fed after those, in this order. More can be added with `addSink`.
   */
  sinks?: RunSink[];
  /** A UI is attached that can ask about prompt-policy alerts (live runs only). */
  canPrompt: boolean;
  /** Keep recent packets for a UI's live feed. */
  feed?: PacketFeed;
  /** One diagnostic line: something the person should know that does not stop the run. */
  warn(line: string): void;
  /** --debug lines. */
  debug?(line: string): void;
  /** Latency tracing: the stage timestamps of each automatic block (see response/block-timing.ts). */
  onBlockTiming?(timing: BlockTiming): void;
}

/** What a SIGHUP reload did. */
export interface ReloadReport {
  /** Settings the running detectors took. */
  applied: string[];
  /** Settings that changed but apply only after a restart. */
  notApplied: string[];
}

/** One run, built and ready: `run()` it, then `close()` it. */
export interface AssembledRun {
  readonly config: RunConfig;
  readonly engine: Engine;
  readonly source: PacketSource;
  readonly blocks: BlockManager;
  readonly recorder: RunRecorder;
  /** The home net the run started with (live default: the host's addresses), or null for everything. */
  readonly homeNet: string[] | null;
  /** Adds an output fed after those already there (a UI's snapshots need the engine first). */
  addSink(sink: RunSink): void;
  /**
   * Runs until the source ends or `stop()`; stats go to the sinks every refresh interval while
   * live. `onCapturing` is called once packets reach the pipeline.
   */
  run(onCapturing?: () => void): Promise<SourceEnd>;
  /** Stops the source (any time, also before `run()`). */
  stop(): void;
  /** New settings while running (SIGHUP): detector thresholds apply at once, the rest needs a restart. */
  reload(next: RunConfig): ReloadReport;
  /** The run's counters now. */
  stats(): EngineStats;
  /** How the run stands with its CrowdSec Local API, or null without one. */
  fleet(): FleetStatus | null;
  /** Lifts every block here (fleet decisions stay at the API); how many were lifted. */
  unblockAll(): Promise<number>;
  /**
   * Ends the run: blocks stopped (and flushed when the config says so), the final stats to the
   * sinks, then every sink closed — history and logs written, notifications given a grace.
   */
  close(): Promise<void>;
}

/**
 * The one place a run is put together, from its config, the host it runs on and the outputs
 * that want its events. The engine process behind the terminal UI and headless mode are thin
 * adapters over it; tests build whole runs with a fake host.
 */
export async function assembleRun(options: RunOptions): Promise<AssembledRun> {
  const { config, host, warn } = options;
  const blocklists = await loadBlocklists(config.blocklists, warn);
  const enrichers = createEnrichers(config, host);
  let source: PacketSource | null = null;
  let recorder: RunRecorder | null = null;
  let forensic: ReturnType<typeof openForensic> = null;
  try {
    // Loading the country tables stalls the event loop for a moment: done before a live capture
    // opens (its packets would wait in the ring meanwhile), and before a UI's replay shows rows.
    if (enrichers.geo !== null && (config.replayFile === null || options.feed !== undefined)) await enrichers.geo.ready();
    source = await openPacketSource(config, host);
    recorder = await openRecorder(config, warn);
    forensic = openForensic(config, warn);
    return await wireRun(options, { blocklists, enrichers, source, recorder, forensic });
  } catch (e) {
    // Nothing half-built stays behind: the history's lock is released, files and resolvers closed.
    source?.stop();
    enrichers.reverseDns?.close();
    enrichers.processOwners?.close();
    await Promise.allSettled([recorder?.close(), forensic?.close()]);
    throw e;
  }
}

interface OpenedParts {
  blocklists: Awaited<ReturnType<typeof loadBlocklists>>;
  enrichers: Enrichers;
  source: PacketSource;
  recorder: RunRecorder;
  forensic: ReturnType<typeof openForensic>;
}

async function wireRun(options: RunOptions, parts: OpenedParts): Promise<AssembledRun> {
  const { host, warn } = options;
  const { blocklists, enrichers, source, recorder, forensic } = parts;
  const debug = options.debug ?? (() => undefined);
  let config = options.config;
  const live = source.kind === 'live';
  const notifier = createNotifier(config, { warn: (line) => warn(`warning: ${line}`), ...(config.debug ? { debug } : {}) }, { fetch: host.fetch, run: host.runCommand });
  let engine: Engine | null = null;
  let blockManager: BlockManager | null = null;
  let fleet: AttachedFleet | null = null;
  const sinks = new SinkSet();
  sinks.add(historySink(recorder));
  for (const sink of options.sinks ?? []) sinks.add(sink);
  const readings = runReadings({ engine: () => engine, source, blocks: () => blockManager, fleet: () => fleet?.status ?? null, flowCapacity: config.flows.capacity });
  const outputs = await outputSinks(config, readings, warn, debug);
  for (const sink of outputs) sinks.add(sink);
  // Last: a channel never delays the records above (it only queues here).
  sinks.add(notificationSink(notifier));

  let blocks: BlockManager;
  try {
    blocks = await createBlockManager(
      config,
      host,
      {
        // A replay's attackers are history: its prompt-policy alerts are logged, not asked about.
        canPrompt: options.canPrompt && live,
        history: () => recorder.allEntries(),
        onEvent: (event) => sinks.response(event),
        onRecord: (record, kind, reason) => sinks.record(record, kind, reason),
        onAlertChanged: (alert) => engine?.pipeline.alerts.changed(alert),
        onBlocked: (record) => sinks.blocked(record),
        warn,
        debug,
        ...(options.onBlockTiming !== undefined ? { onTiming: options.onBlockTiming } : {}),
      },
      source.kind,
    );
  } catch (e) {
    // Nothing half-built stays open: the EVE file, the metrics port, the syslog socket.
    await Promise.allSettled(outputs.map((sink) => sink.close?.()));
    throw e;
  }
  blockManager = blocks;
  // After the firewall was reconciled: restored blocks are not pushed to the fleet again.
  if (config.crowdsec !== null) {
    fleet = attachFleet(config.crowdsec, blocks, host.fetch, warn);
    for (const sink of fleet.sinks) sinks.add(sink);
  }
  const attached = fleet;
  // Live without an explicit home net: the host's own addresses, re-read while running.
  const defaultHome = config.homeNet === null && live;
  const homeNet = defaultHome ? host.interfaceAddresses() : config.homeNet;
  engine = new Engine({
    config,
    source,
    homeNet,
    ...(defaultHome ? { homeNetProvider: () => host.interfaceAddresses() } : {}),
    ...enrichers,
    forensic,
    blocklists,
    responder: blocks,
    historyWriteErrors: () => recorder.historyWriteErrors,
    authLog: host.openAuthLog(config.authLog, live, warn),
    processSampler: config.processMonitor && live ? host.processSampler() : null,
    platformInfo: host.platformInfo,
    ...(options.feed !== undefined ? { feed: options.feed } : {}),
    onAlert: (alert, kind) => sinks.alert(alert, kind),
  });
  const running = engine;

  let stopped = false;
  let closed: Promise<void> | null = null;
  return {
    get config() {
      return config;
    },
    engine: running,
    source,
    blocks,
    recorder,
    homeNet,
    addSink: (sink) => sinks.add(sink),
    async run(onCapturing) {
      if (stopped) return { reason: 'stopped' };
      attached?.start();
      const timer = live ? setInterval(() => sinks.stats(running.stats(), false), config.refreshSeconds * 1000) : null;
      try {
        return await running.run(onCapturing);
      } finally {
        if (timer !== null) clearInterval(timer);
      }
    },
    stop() {
      stopped = true;
      running.stop();
    },
    reload(next) {
      const detectors = running.reconfigure(next);
      const notApplied = [...detectors.notApplied, ...settingsNeedingRestart(config, next)];
      config = { ...config, thresholds: next.thresholds, verbose: next.verbose };
      return { applied: detectors.applied, notApplied };
    },
    stats: () => running.stats(),
    fleet: () => attached?.status ?? null,
    unblockAll: () => (attached !== null ? attached.localOnly(() => blocks.unblockAll()) : blocks.unblockAll()),
    close() {
      closed ??= (async () => {
        running.stop();
        running.close();
        await attached?.stop();
        await blocks.stop(config.flushOnExit);
        await forensic?.close();
        // The last history write before the last stats line, so history_write_errors is complete.
        await recorder.flushHistory();
        sinks.stats(running.stats(), true);
        await sinks.close();
      })();
      return closed;
    },
  };
}
