import type { RunConfig } from '../config/run-config.js';
import { canonicalAddress, networkOf } from '../net/canonical.js';
import { RunRecorder } from '../engine/store/run-recorder.js';
import { historyBlockState } from '../engine/response/history-blocks.js';
import { chooseFirewall } from '../platform/firewall/choose-firewall.js';
import { CommandError } from '../platform/exec/run-command.js';
import { defaultHistoryPath, defaultLogDir } from '../engine/store/default-paths.js';
import type { FirewallEntry } from '../platform/firewall/firewall.js';
import type { BlockRecord } from '../engine/response/block-record.js';

/**
 * `snoopy-tui --unblock ADDR[,ADDR…]`: the manual unblock command of seed 000, for the shell.
 * Removes every entry of ours that covers the address (the address itself, its IPv6 /64, its
 * per-port blocks) and records the unblock in the history. A running snoopy-tui holds the
 * history lock and its own copy of the blocks: then the kernel entry still goes at once, but
 * the line says to unblock in that instance (`u` in the UI), or its next start restores it.
 */
export async function runUnblock(config: RunConfig, addresses: readonly string[], io: { out(line: string): void; err(line: string): void }): Promise<number> {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    io.err('snoopy-tui: --unblock changes the firewall: run it as root (or with CAP_NET_ADMIN)');
    return 1;
  }
  const targets = addresses.map((a) => ({ text: a, address: canonicalAddress(a) }));
  const bad = targets.find((t) => t.address === null);
  if (bad !== undefined) {
    io.err(`snoopy-tui: --unblock: not an IP address: ${JSON.stringify(bad.text)}`);
    return 1;
  }
  const covers = (e: FirewallEntry, a: NonNullable<(typeof targets)[number]['address']>) => {
    const [, len] = e.cidr.split('/');
    return e.family === a.family && networkOf(a, Number(len)) === e.cidr;
  };
  const choices = config.firewall === 'auto' ? (process.platform === 'linux' ? (['nftables', 'iptables'] as const) : (['auto'] as const)) : [config.firewall];
  let removed = 0;
  let failed = false;
  for (const choice of choices) {
    const { firewall } = await chooseFirewall(choice, undefined, undefined, config.iptablesVariant);
    try {
      const hits = (await firewall.list()).filter((e) => targets.some((t) => covers(e, t.address!)));
      if (hits.length === 0) continue;
      await firewall.apply([], hits.map((e) => ({ cidr: e.cidr, family: e.family, port: e.port, timeoutSeconds: 1 })));
      removed += hits.length;
      for (const e of hits) io.out(`snoopy-tui: ${firewall.name}: removed ${e.cidr}${e.port ? ` ${e.port.protocol}/${e.port.number}` : ''}`);
    } catch (e) {
      if (e instanceof CommandError && e.kind === 'not-found') continue;
      failed = true;
      io.err(`snoopy-tui: ${firewall.name}: unblock failed: ${(e as Error).message}`);
    }
  }
  let held = false;
  const recorder = await RunRecorder.open({ historyFile: config.historyFile ?? defaultHistoryPath(), logDir: config.logDir ?? defaultLogDir(), warn: () => (held = true) });
  const entries = await recorder.allEntries();
  if (entries !== null) {
    for (const b of historyBlockState(entries, Date.now()).active.values()) {
      const a = canonicalAddress(b.address);
      if (a === null || !targets.some((t) => t.address!.text === a.text)) continue;
      const record: BlockRecord = { address: b.address, network: b.network, port: b.port, reason: b.reason, createdAt: b.createdAt, expiresAt: b.expiresAt, action: 'blocked', offense: 1, firewall: 'none' };
      recorder.unblock(record, 'manual');
    }
  }
  await recorder.close();
  if (held) io.err('snoopy-tui: the history is held by a running snoopy-tui: unblock there too (u in the UI), or its next start puts the block back');
  if (removed === 0 && !failed) io.out(`snoopy-tui: nothing of ours blocks ${addresses.join(', ')}`);
  return failed ? 1 : 0;
}
