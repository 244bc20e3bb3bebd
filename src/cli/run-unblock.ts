import type { RunConfig } from '../config/run-config.js';
import { canonicalAddress, networkOf, type CanonicalAddress } from '../net/canonical.js';
import type { FirewallEntry } from '../platform/firewall/firewall.js';
import { forEachOurFirewall, mayChangeFirewall, recordUnblocks, type CommandIo } from './firewall-command.js';

/**
 * `snoopy-tui --unblock ADDR[,ADDR…]`: the manual unblock command, for the shell.
 * Removes every entry of ours that covers the address (the address itself, its IPv6 /64, its
 * per-port blocks) and records the unblock in the history. A running snoopy-tui holds the
 * history lock and its own copy of the blocks: then the kernel entry still goes at once, but
 * the line says to unblock in that instance (`u` in the UI), or its next start restores it.
 */
export async function runUnblock(config: RunConfig, addresses: readonly string[], io: CommandIo): Promise<number> {
  if (!mayChangeFirewall('--unblock', io)) return 1;
  const targets: CanonicalAddress[] = [];
  for (const text of addresses) {
    const a = canonicalAddress(text);
    if (a === null) {
      io.err(`snoopy-tui: --unblock: not an IP address: ${JSON.stringify(text)}`);
      return 1;
    }
    targets.push(a);
  }
  const covers = (e: FirewallEntry) => targets.some((a) => e.family === a.family && networkOf(a, Number(e.cidr.split('/')[1])) === e.cidr);
  let removed = 0;
  const ok = await forEachOurFirewall(config, 'unblock', io, async (firewall) => {
    const hits = (await firewall.list()).filter(covers);
    if (hits.length === 0) return;
    await firewall.apply([], hits.map((e) => ({ cidr: e.cidr, family: e.family, port: e.port, timeoutSeconds: 1 })));
    removed += hits.length;
    for (const e of hits) io.out(`snoopy-tui: ${firewall.name}: removed ${e.cidr}${e.port ? ` ${e.port.protocol}/${e.port.number}` : ''}`);
  });
  const own = await recordUnblocks(config, 'manual', (b) => targets.some((a) => canonicalAddress(b.address)?.text === a.text), io);
  if (!own) io.err('snoopy-tui: the history is held by a running snoopy-tui: unblock there too (u in the UI), or its next start puts the block back');
  if (removed === 0 && ok) io.out(`snoopy-tui: nothing of ours blocks ${addresses.join(', ')}`);
  return ok ? 0 : 1;
}
