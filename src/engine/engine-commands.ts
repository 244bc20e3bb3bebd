import type { AssembledRun } from './assemble/assemble-run.js';
import type { CommandReplies, EngineCommand } from './protocol.js';
import type { SnapshotPublisher } from './snapshot-publisher.js';
import type { PacketFeed } from './feed/packet-feed.js';
import type { ProtectedAddresses } from '../response/protected-addresses.js';
import type { ReviewSession } from '../cli/review-session.js';
import { compileFilter } from '../filter/index.js';

/** What the commands of one engine process act on; parts are null before they exist (or in review). */
export interface CommandContext {
  run: AssembledRun | null;
  publisher: SnapshotPublisher | null;
  feed: PacketFeed | null;
  /** The never-block list, for the block prompt's check before anyone presses y. */
  protection(): ProtectedAddresses | null;
  /** Set when the process reviews a history file instead of capturing. */
  review: ReviewSession | null;
}

/** Addresses of this host among the protection reasons. */
const LOCAL_REASONS = new Set(['own address', 'loopback']);
/** How old the list of SSH peers may be when the block prompt asks. */
const SSH_PEERS_MAX_AGE_MS = 2000;

/**
 * Answers one command of the UI. Rejects with a one-line reason (the UI shows it); `block`,
 * `unblock` and `unblockAll` publish a snapshot at once so the Blocked pane follows.
 */
export async function answerCommand<C extends EngineCommand>(ctx: CommandContext, command: C): Promise<CommandReplies[C['name']]> {
  return (await answer(ctx, command)) as CommandReplies[C['name']];
}

async function answer(ctx: CommandContext, command: EngineCommand): Promise<CommandReplies[keyof CommandReplies]> {
  const { run, publisher } = ctx;
  switch (command.name) {
    case 'pauseSnapshots':
    case 'resumeSnapshots':
      if (publisher !== null) publisher.paused = command.name === 'pauseSnapshots';
      return null;
    case 'status':
      return run?.stats() ?? null;
    case 'history':
      if (ctx.review !== null) return ctx.review.history(command.limit);
      return { available: run?.recorder.hasHistory ?? false, entries: (await run?.recorder.recent(command.limit)) ?? [] };
    case 'feed':
      return setFeed(ctx, command.filter, command.showOwn);
    case 'checkAddress': {
      const protection = ctx.protection();
      if (protection === null) return { address: command.address, protectedReason: null, local: false };
      await protection.refreshSshPeers(SSH_PEERS_MAX_AGE_MS);
      const reason = protection.reasonFor(command.address);
      return { address: command.address, protectedReason: reason, local: reason !== null && LOCAL_REASONS.has(reason) };
    }
    case 'activity': {
      const limit = Math.max(1, Math.min(200, command.limit));
      const packets = ctx.feed?.recentFor(command.address, limit) ?? [];
      const flows = (run?.engine.pipeline.flows.recent(4096) ?? []).filter((f) => f.origAddr === command.address || f.respAddr === command.address).slice(0, limit);
      const tagger = run?.engine.processTagger ?? null;
      if (tagger !== null) {
        for (const p of packets) p.process = tagger.processOf(p.flowUid)?.name ?? null;
        for (const f of flows) f.process = tagger.processOf(f.uid)?.name ?? null;
      }
      return { packets, flows };
    }
  }
  if (ctx.review !== null) {
    if (command.name === 'unblock') return ctx.review.unblock(command.address);
    throw new Error('reviewing a history file: no capture, so nothing is blocked from here (u lifts a block)');
  }
  if (run === null) throw new Error('the engine has not started');
  try {
    switch (command.name) {
      case 'block':
        return await run.blocks.block(command.address, command.durationSeconds, command.reason);
      case 'unblock': {
        const record = await run.blocks.unblock(command.address);
        if (record === null) throw new Error(`${command.address} is not blocked`);
        return record;
      }
      case 'unblockAll':
        return await run.unblockAll();
    }
    throw new Error(`unknown command ${JSON.stringify((command as { name: unknown }).name)}`);
  } finally {
    publisher?.publish();
  }
}

function setFeed(ctx: CommandContext, filterText: string, showOwn: boolean): CommandReplies['feed'] {
  const { feed, publisher } = ctx;
  if (feed === null || publisher === null) throw new Error('no packet feed here (no capture)');
  let filter = null;
  if (filterText.trim() !== '') {
    const compiled = compileFilter(filterText);
    if (!compiled.ok) throw new Error(`${compiled.error} (at ${compiled.position + 1})`);
    filter = compiled.filter;
  }
  feed.configure(filter, !showOwn);
  publisher.publish();
  return publisher.feedState();
}
