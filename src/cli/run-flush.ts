import type { RunConfig } from '../config/run-config.js';
import { forEachOurFirewall, mayChangeFirewall, recordUnblocks, type CommandIo } from './firewall-command.js';

/**
 * `snoopy-tui --flush`: removes everything of ours from the firewall (table inet snoopy, or
 * chain SNOOPY + ipsets, or the pf anchor, or our netsh rules) and records the blocks still
 * active in the history as unblocked (reason flush). With --firewall auto, every Linux backend
 * that is installed is flushed, so nothing is left behind after switching backends.
 */
export async function runFlush(config: RunConfig, io: CommandIo): Promise<number> {
  if (!mayChangeFirewall('--flush', io)) return 1;
  const ok = await forEachOurFirewall(config, 'flush', io, async (firewall) => {
    const before = await firewall.list();
    await firewall.flush();
    io.out(`snoopy-tui: ${firewall.name}: removed our rules and ${before.length} block entr${before.length === 1 ? 'y' : 'ies'}`);
  });
  await recordUnblocks(config, 'flush', () => true, io);
  return ok ? 0 : 1;
}
