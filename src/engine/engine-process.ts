/**
 * Entry point of the engine process that the UI forks: capture and detection never share a
 * thread with rendering, and `cap` cannot run in a worker thread. Talks only through the typed
 * messages of protocol.ts; the run itself is put together by assembleRun, a review of a history
 * file by ReviewSession.
 */
import { ConfigError } from '../config/config-error.js';
import type { RunConfig } from '../config/run-config.js';
import { systemHost } from '../host/system-host.js';
import { ProtectedAddresses } from '../response/protected-addresses.js';
import { ReviewOpenError, ReviewSession } from '../cli/review-session.js';
import { publishReview } from '../cli/review-snapshots.js';
import { assembleRun, type AssembledRun } from './assemble/assemble-run.js';
import { SourceOpenError } from './capture/packet-source.js';
import { answerCommand, type CommandContext } from './engine-commands.js';
import { findTerminalSessions } from './feed/find-terminal-session.js';
import { parseSshConnection } from './feed/own-session.js';
import { PacketFeed } from './feed/packet-feed.js';
import type { EngineToUi, UiContext, UiToEngine } from './protocol.js';
import { SnapshotPublisher } from './snapshot-publisher.js';

const host = systemHost();
let run: AssembledRun | null = null;
let config: RunConfig | null = null;
let protection: ProtectedAddresses | null = null;
let stopReview: (() => void) | null = null;
let starting = false;
const ctx: CommandContext = {
  run: null,
  publisher: null,
  feed: null,
  review: null,
  protection: () => {
    if (protection === null && config !== null) protection = new ProtectedAddresses(host.protectedSources(), config.allow);
    return protection;
  },
};

function send(message: EngineToUi, done?: () => void): void {
  if (!process.connected) return;
  process.send!(message, undefined, {}, () => done?.());
}

function ownAddresses(): string[] {
  try {
    return host.protectedSources().ownAddresses();
  } catch {
    return [];
  }
}

async function start(runConfig: RunConfig, ui: UiContext | undefined): Promise<void> {
  config = runConfig;
  const feed = (ctx.feed = new PacketFeed());
  // The UI's own SSH session stays out of the feed: the one it is drawn through (process tree),
  // and SSH_CONNECTION when sudo kept it. Detection sees every packet anyway.
  const fromEnv = parseSshConnection(ui?.sshConnection);
  feed.own.set([...(fromEnv !== null ? [fromEnv] : []), ...(await findTerminalSessions(process.ppid))]);
  try {
    run = ctx.run = await assembleRun({ config: runConfig, host, canPrompt: true, feed, warn: (message) => send({ type: 'warning', message }) });
  } catch (e) {
    const known = e instanceof SourceOpenError || e instanceof ConfigError;
    send({ type: 'fatal', message: known ? e.message : `engine failed to start: ${(e as Error).message}` });
    return;
  }
  const current = run;
  const snapshots = (ctx.publisher = new SnapshotPublisher(current.engine, feed, (snapshot, done) => send({ type: 'snapshot', snapshot }, done), current.blocks, { fleet: () => current.fleet() }));
  current.addSink(snapshots.sink);
  current.engine.pipeline.onPacketPathTick = () => snapshots.maybePublish();
  snapshots.start();
  // 'started' once packets reach the pipeline: what the UI sees from then on is all captured.
  const local = current.source.kind === 'live' ? ownAddresses() : [];
  const end = await current.run(() => send({ type: 'started', source: { kind: current.source.kind, description: current.source.description }, local }));
  snapshots.stop();
  snapshots.publish();
  // The engine stays up after the source ends (a replay stays browsable) until told to stop.
  send({ type: 'ended', reason: end.reason, ...(end.error !== undefined ? { error: end.error } : {}), stats: current.stats() });
}

async function review(runConfig: RunConfig): Promise<void> {
  config = runConfig;
  const session = (ctx.review = new ReviewSession(runConfig));
  let first;
  try {
    first = (await session.reload())!;
  } catch (e) {
    send({ type: 'fatal', message: e instanceof ReviewOpenError ? e.message : `cannot review: ${(e as Error).message}` });
    return;
  }
  send({ type: 'started', source: { kind: 'review', description: session.path }, local: ownAddresses() });
  if (first.warning !== null) send({ type: 'warning', message: first.warning });
  stopReview = publishReview(session, first, (snapshot) => send({ type: 'snapshot', snapshot }), (message) => send({ type: 'warning', message }));
}

/** Everything written to disk is finished before the process goes. */
function shutdown(then: () => void): void {
  stopReview?.();
  run?.stop();
  void (run?.close() ?? Promise.resolve()).finally(then);
}

process.on('message', (raw) => {
  const msg = raw as UiToEngine;
  if ((msg.type === 'start' || msg.type === 'review') && !starting) {
    starting = true;
    void (msg.type === 'start' ? start(msg.config, msg.ui) : review(msg.config));
  } else if (msg.type === 'command') {
    answerCommand(ctx, msg.command).then(
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
