import type { RunConfig } from '../config/run-config.js';
import { RunRecorder } from '../store/run-recorder.js';
import { historyBlockState, type HistoryBlock } from '../response/history-blocks.js';
import type { UnblockReason } from '../model/response-event.js';
import { chooseFirewall } from '../platform/firewall/choose-firewall.js';
import type { Firewall } from '../platform/firewall/firewall.js';
import { CommandError } from '../platform/exec/run-command.js';
import { defaultHistoryPath, defaultLogDir } from '../store/default-paths.js';

/** What the one-shot firewall commands (--flush, --unblock) share. */
export interface CommandIo {
  out(line: string): void;
  err(line: string): void;
}

/** One line and false when the command cannot change the firewall (not root). */
export function mayChangeFirewall(flag: string, io: CommandIo): boolean {
  if (typeof process.getuid !== 'function' || process.getuid() === 0) return true;
  io.err(`snoopy-tui: ${flag} changes the firewall: run it as root (or with CAP_NET_ADMIN)`);
  return false;
}

/**
 * Runs `work` on every backend that may hold entries of ours: the configured one, or with
 * --firewall auto on Linux both nftables and iptables (a switch of backends leaves nothing
 * behind). A backend that is not installed holds nothing and is skipped; a failure is one line.
 * Returns false when one failed.
 */
export async function forEachOurFirewall(config: RunConfig, what: string, io: CommandIo, work: (firewall: Firewall) => Promise<void>): Promise<boolean> {
  const choices = config.firewall === 'auto' ? (process.platform === 'linux' ? (['nftables', 'iptables'] as const) : (['auto'] as const)) : [config.firewall];
  let ok = true;
  for (const choice of choices) {
    const { firewall } = await chooseFirewall(choice, undefined, undefined, config.iptablesVariant);
    try {
      await work(firewall);
    } catch (e) {
      if (e instanceof CommandError && e.kind === 'not-found') continue;
      ok = false;
      io.err(`snoopy-tui: ${firewall.name}: ${what} failed: ${(e as Error).message}`);
    }
  }
  return ok;
}

/**
 * Records an unblock in the history for every block it holds in force that `matches`. Returns
 * false when another snoopy-tui holds the history (its own copy of the blocks wins there).
 */
export async function recordUnblocks(config: RunConfig, reason: UnblockReason, matches: (b: HistoryBlock) => boolean, io: CommandIo): Promise<boolean> {
  let held = false;
  const recorder = await RunRecorder.open({
    historyFile: config.historyFile ?? defaultHistoryPath(),
    logDir: config.logDir ?? defaultLogDir(),
    warn: (line) => {
      held = true;
      io.err(`snoopy-tui: ${line}`);
    },
  });
  const entries = await recorder.allEntries();
  if (entries !== null) {
    for (const b of historyBlockState(entries, Date.now()).active.values()) {
      if (!matches(b)) continue;
      recorder.unblock({ address: b.address, network: b.network, port: b.port, reason: b.reason, createdAt: b.createdAt, expiresAt: b.expiresAt, action: 'blocked', offense: 1, firewall: 'none' }, reason);
    }
  }
  await recorder.close();
  return !held;
}
