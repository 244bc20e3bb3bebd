import { AddressBlocklist } from '../engine/detectors/blocklist/address-blocklist.js';
import { loadBlocklists } from '../engine/detectors/blocklist/load-blocklists.js';

/**
 * `--blocklist a.netset,b.csv --blocklist-export merged.txt`: every supported input format
 * (plain, CIDR, FireHOL netset, Spamhaus DROP text or JSON lines, CSV) merged into one minimal
 * list of CIDRs — the import/export half of MALICIOUS_IP, and a way to hand our view of a list
 * to another tool.
 */
export async function exportBlocklists(paths: readonly string[], out: string, io: { out(line: string): void; err(line: string): void }): Promise<number> {
  if (paths.length === 0) {
    io.err('snoopy-tui: --blocklist-export needs at least one --blocklist FILE to read');
    return 1;
  }
  const lists = await loadBlocklists(paths, (line) => io.err(`snoopy-tui: ${line}`));
  const merged = AddressBlocklist.union(paths.join(','), lists);
  let written: number;
  try {
    written = await merged.export(out);
  } catch (e) {
    io.err(`snoopy-tui: cannot write ${out}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message}`);
    return 1;
  }
  io.out(`snoopy-tui: ${paths.length} list(s), ${merged.v4RangeCount} IPv4 and ${merged.v6RangeCount} IPv6 merged ranges → ${written} CIDRs in ${out}`);
  return 0;
}
