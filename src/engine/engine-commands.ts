import type { AssembledRun } from './assemble/assemble-run.js';
import type { CommandReplies, EngineCommand } from './protocol.js';
import type { SnapshotPublisher } from './snapshot-publisher.js';

/**
 * Answers one command of the UI. Rejects with a one-line reason (the UI shows it); `block`,
 * `unblock` and `unblockAll` publish a snapshot at once so the Blocked pane follows.
 */
export async function answerCommand<C extends EngineCommand>(run: AssembledRun | null, publisher: SnapshotPublisher | null, command: C): Promise<CommandReplies[C['name']]> {
  return (await answer(run, publisher, command)) as CommandReplies[C['name']];
}

async function answer(run: AssembledRun | null, publisher: SnapshotPublisher | null, command: EngineCommand): Promise<CommandReplies[keyof CommandReplies]> {
  switch (command.name) {
    case 'pauseSnapshots':
    case 'resumeSnapshots':
      if (publisher !== null) publisher.paused = command.name === 'pauseSnapshots';
      return null;
    case 'status':
      return run?.stats() ?? null;
    case 'history':
      return { available: run?.recorder.hasHistory ?? false, entries: (await run?.recorder.recent(command.limit)) ?? [] };
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
