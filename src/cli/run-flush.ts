import type { RunConfig } from '../config/run-config.js';
import { RunRecorder } from '../engine/store/run-recorder.js';
import { historyBlockState } from '../engine/response/history-blocks.js';
import { chooseFirewall } from '../platform/firewall/choose-firewall.js';
import { CommandError } from '../platform/exec/run-command.js';
import { defaultHistoryPath, defaultLogDir } from '../engine/store/default-paths.js';
import type { BlockRecord } from '../engine/response/block-record.js';

/**
 * `snoopy-tui --flush`: removes everything of ours from the firewall (table inet snoopy, or
 * chain SNOOPY + ipsets, or the pf anchor, or our netsh rules) and records the blocks still
 * active in the history as unblocked (reason flush). With --firewall auto, every Linux backend
 * that is installed is flushed, so nothing is left behind after switching backends.
 */
export async function runFlush(config: RunConfig, io: { out(line: string): void; err(line: string): void }): Promise<number> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    io.err('snoopy-tui: --flush changes the firewall: run it as root (or with CAP_NET_ADMIN)');
    return 1;
  }
  const choices = config.firewall === 'auto' ? (process.platform === 'linux' ? (['nftables', 'iptables'] as const) : (['auto'] as const)) : [config.firewall];
  let failed = false;
  for (const choice of choices) {
    const { firewall } = await chooseFirewall(choice, undefined, undefined, config.iptablesVariant);
    try {
      const before = await firewall.list();
      await firewall.flush();
      io.out(`snoopy-tui: ${firewall.name}: removed our rules and ${before.length} block entr${before.length === 1 ? 'y' : 'ies'}`);
    } catch (e) {
      // A backend that is not installed has nothing of ours in it.
      if (e instanceof CommandError && e.kind === 'not-found') continue;
      failed = true;
      io.err(`snoopy-tui: ${firewall.name}: flush failed: ${(e as Error).message}`);
    }
  }
  const recorder = await RunRecorder.open({ historyFile: config.historyFile ?? defaultHistoryPath(), logDir: config.logDir ?? defaultLogDir(), warn: (line) => io.err(`snoopy-tui: ${line}`) });
  const entries = await recorder.allEntries();
  if (entries !== null) {
    const now = Date.now();
    for (const b of historyBlockState(entries, now).active.values()) {
      const record: BlockRecord = { address: b.address, network: b.network, port: b.port, reason: b.reason, createdAt: b.createdAt, expiresAt: b.expiresAt, action: 'blocked', offense: 1, firewall: 'none' };
      recorder.unblock(record, 'flush');
    }
  }
  await recorder.close();
  return failed ? 1 : 0;
}
