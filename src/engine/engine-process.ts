/**
 * Entry point of the engine process that the UI forks: capture and detection never share a
 * thread with rendering, and `cap` cannot run in a worker thread. Talks only through the typed
 * messages of protocol.ts; the run itself is put together by assembleRun.
 */
import { ConfigError } from '../config/config-error.js';
import type { RunConfig } from '../config/run-config.js';
import { systemHost } from '../host/system-host.js';
import { assembleRun, type AssembledRun } from './assemble/assemble-run.js';
import { SourceOpenError } from './capture/packet-source.js';
import { answerCommand } from './engine-commands.js';
import { PacketFeed } from './feed/packet-feed.js';
import type { EngineToUi, UiToEngine } from './protocol.js';
import { SnapshotPublisher } from './snapshot-publisher.js';

let run: AssembledRun | null = null;
let publisher: SnapshotPublisher | null = null;
let starting = false;

function send(message: EngineToUi, done?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, {}, () => done?.());
}

async function start(config: RunConfig): Promise<void> {
  const feed = new PacketFeed();
  try {
    run = await assembleRun({ config, host: systemHost(), canPrompt: true, feed, warn: (message) => send({ type: 'warning', message }) });
  } catch (e) {
    const known = e instanceof SourceOpenError || e instanceof ConfigError;
    send({ type: 'fatal', message: known ? e.message : `engine failed to start: ${(e as Error).message}` });
    return;
  }
  const current = run;
  const snapshots = (publisher = new SnapshotPublisher(current.engine, feed, (snapshot, done) => send({ type: 'snapshot', snapshot }, done), current.blocks, { fleet: () => current.fleet() }));
  current.addSink(snapshots.sink);
  current.engine.pipeline.onPacketPathTick = () => snapshots.maybePublish();
  snapshots.start();
  // 'started' once packets reach the pipeline: what the UI sees from then on is all captured.
  const end = await current.run(() => send({ type: 'started', source: { kind: current.source.kind, description: current.source.description } }));
  snapshots.stop();
  snapshots.publish();
  // The engine stays up after the source ends (a replay stays browsable) until told to stop.
  send({ type: 'ended', reason: end.reason, ...(end.error !== undefined ? { error: end.error } : {}), stats: current.stats() });
}

/** Everything written to disk is finished before the process goes. */
function shutdown(then: () => void): void {
  run?.stop();
  void (run?.close() ?? Promise.resolve()).finally(then);
}

process.on('message', (raw) => {
  const msg = raw as UiToEngine;
  if (msg.type === 'start' && !starting) {
    starting = true;
    void start(msg.config);
  } else if (msg.type === 'command') {
    answerCommand(run, publisher, msg.command).then(
      (result) => send({ type: 'reply', requestId: msg.requestId, ok: true, result }),
      (e: Error) => send({ type: 'reply', requestId: msg.requestId, ok: false, error: e.message }),
    );
  } else if (msg.type === 'stop') {
    // Disconnecting ends the process once the stores are closed.
    shutdown(() => process.disconnect());
  }
});
// The UI went away (closed, crashed): stop capturing and leave.
process.on('disconnect', () => shutdown(() => process.exit(0)));
