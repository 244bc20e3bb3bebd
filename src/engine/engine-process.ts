/**
 * Entry point of the engine process that the UI forks (DESIGN §2: capture and detection never
 * share a thread with rendering, and `cap` cannot run in a worker thread). Talks only through
 * the typed messages of protocol.ts.
 */
import { hostAddresses } from '../platform/network-interfaces.js';
import { openPacketSource } from './capture/open-source.js';
import { SourceOpenError } from './capture/packet-source.js';
import { Engine } from './engine.js';
import { createEnrichers } from '../enrich/create-enrichers.js';
import { openRecorder } from '../store/open-recorder.js';
import { loadBlocklists } from './detectors/blocklist/load-blocklists.js';
import { ConfigError } from '../config/config-error.js';
import { openForensic } from '../store/forensic/open-forensic.js';
import type { ForensicRecorder } from '../store/forensic/index.js';
import type { RunRecorder } from '../store/run-recorder.js';
import { PacketFeed } from './feed/packet-feed.js';
import type { EngineToUi, UiToEngine } from './protocol.js';
import type { BlockManager } from '../response/block-manager.js';
import { createBlockManager } from '../response/create-block-manager.js';
import { SnapshotPublisher } from './snapshot-publisher.js';
import { openAuthLog } from '../platform/logs/open-auth-log.js';
import { ProcSampler } from '../platform/processes/proc-sampler.js';
import { createNotifier } from '../sinks/notify/create-notifier.js';
import { NotificationDispatcher } from '../sinks/notify/notification-dispatcher.js';

let engine: Engine | null = null;
let publisher: SnapshotPublisher | null = null;
let blocks: BlockManager | null = null;
let recorder: RunRecorder | null = null;
let forensic: ForensicRecorder | null = null;
/** Remove our blocks from the firewall at exit (config flushOnExit). */
let stopFlush = false;

/** Everything written to disk is finished before the process goes. */
/** Desktop / webhook / Slack / Telegram / syslog; it only queues, so the packet path never waits. */
let notifier = NotificationDispatcher.none();

/** Everything written to disk is finished before the process goes. */
function closeStores(): Promise<unknown> {
  return Promise.allSettled([blocks?.stop(stopFlush).then(() => recorder?.close()) ?? recorder?.close(), forensic?.close(), notifier.close(2000)]);
}

function send(message: EngineToUi, done?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, {}, () => done?.());
}

async function start(msg: Extract<UiToEngine, { type: 'start' }>): Promise<void> {
  let source;
  let blocklists;
  try {
    blocklists = await loadBlocklists(msg.config.blocklists, (line) => send({ type: 'warning', message: line }));
    source = await openPacketSource(msg.config);
  } catch (e) {
    send({ type: 'fatal', message: e instanceof SourceOpenError || e instanceof ConfigError ? e.message : `engine failed to start: ${(e as Error).message}` });
    return;
  }
  recorder = await openRecorder(msg.config, (line) => send({ type: 'warning', message: line }));
  forensic = openForensic(msg.config, (line) => send({ type: 'warning', message: line }));
  stopFlush = msg.config.flushOnExit;
  const manager = await createBlockManager(msg.config, {
    // A replay's attackers are history: its prompt-policy alerts are logged, not asked about.
    canPrompt: source.kind === 'live',
    recorder,
    onEvent: () => publisher?.publish(),
    onAlertChanged: (alert) => engine?.pipeline.alerts.changed(alert),
    onBlocked: (record) => notifier.notifyBlock(record),
    warn: (line) => send({ type: 'warning', message: line }),
    debug: () => undefined,
  }, source.kind);
  blocks = manager;
  notifier = createNotifier(msg.config, { warn: (line) => send({ type: 'warning', message: line }) });
  const feed = new PacketFeed();
  // Live without an explicit home net: the host's own addresses, re-read while running.
  const defaultHome = msg.homeNet === null && source.kind === 'live';
  const current = new Engine({
    config: msg.config,
    responder: manager,
    ...createEnrichers(msg.config),
    forensic,
    blocklists,
    source,
    homeNet: defaultHome ? hostAddresses() : msg.homeNet,
    ...(defaultHome ? { homeNetProvider: hostAddresses } : {}),
    authLog: openAuthLog(msg.config.authLog, source.kind === 'live', (line) => send({ type: 'warning', message: line })),
    processSampler: msg.config.processMonitor && source.kind === 'live' ? new ProcSampler() : null,
    feed,
    onAlert: (alert, kind) => {
      recorder?.alert(alert, kind);
      publisher?.noteAlert(alert);
      if (kind === 'new') notifier.notifyAlert(alert);
    },
  });
  engine = current;
  publisher = new SnapshotPublisher(current, feed, (snapshot, done) => send({ type: 'snapshot', snapshot }, done), manager);
  current.pipeline.onPacketPathTick = () => publisher!.maybePublish();
  send({ type: 'started', source: { kind: source.kind, description: source.description } });
  publisher.start();
  const end = await current.run();
  publisher.stop();
  publisher.publish();
  send({ type: 'ended', reason: end.reason, ...(end.error !== undefined ? { error: end.error } : {}), stats: current.stats() });
}

function handle(msg: UiToEngine): void {
  switch (msg.type) {
    case 'start':
      if (engine === null) void start(msg);
      return;
    case 'command': {
      const { requestId, command } = msg;
      switch (command.name) {
        case 'block':
          if (blocks === null) return send({ type: 'reply', requestId, ok: false, error: 'the engine has not started' });
          blocks.block(command.address, command.durationSeconds, command.reason).then(
            (record) => {
              send({ type: 'reply', requestId, ok: true, result: record });
              publisher?.publish();
            },
            (e: Error) => send({ type: 'reply', requestId, ok: false, error: e.message }),
          );
          return;
        case 'unblock':
          if (blocks === null) return send({ type: 'reply', requestId, ok: false, error: 'the engine has not started' });
          blocks.unblock(command.address).then(
            (record) => {
              if (record === null) send({ type: 'reply', requestId, ok: false, error: `${command.address} is not blocked` });
              else send({ type: 'reply', requestId, ok: true, result: record });
              publisher?.publish();
            },
            (e: Error) => send({ type: 'reply', requestId, ok: false, error: e.message }),
          );
          return;
        case 'unblockAll':
          if (blocks === null) return send({ type: 'reply', requestId, ok: false, error: 'the engine has not started' });
          blocks.unblockAll().then(
            (count) => {
              send({ type: 'reply', requestId, ok: true, result: count });
              publisher?.publish();
            },
            (e: Error) => send({ type: 'reply', requestId, ok: false, error: e.message }),
          );
          return;
        case 'pauseSnapshots':
          if (publisher) publisher.paused = true;
          send({ type: 'reply', requestId, ok: true, result: null });
          return;
        case 'resumeSnapshots':
          if (publisher) publisher.paused = false;
          send({ type: 'reply', requestId, ok: true, result: null });
          return;
        case 'history':
          void (recorder?.recent(command.limit) ?? Promise.resolve([])).then(
            (entries) => send({ type: 'reply', requestId, ok: true, result: { available: recorder?.hasHistory ?? false, entries } }),
            (e: Error) => send({ type: 'reply', requestId, ok: false, error: e.message }),
          );
          return;
        case 'status':
          send({ type: 'reply', requestId, ok: true, result: engine?.stats() ?? null });
          return;
      }
      return;
    }
    case 'stop':
      engine?.stop();
      // History is written before the process goes: disconnecting ends it.
      void closeStores().finally(() => process.disconnect());
      return;
  }
}

process.on('message', (msg) => handle(msg as UiToEngine));
// The UI went away (closed, crashed): stop capturing and leave.
process.on('disconnect', () => {
  engine?.stop();
  void closeStores().finally(() => process.exit(0));
});
