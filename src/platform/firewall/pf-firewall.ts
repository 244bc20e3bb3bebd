import { runCommand, type CommandRunner } from '../exec/run-command.js';
import { canonicalCidr } from '../../net/canonical.js';
import { entryKey, hostOrCidr, type BlockSpec, type Firewall, type FirewallEntry } from './firewall.js';

export const PF_ANCHOR = 'snoopy';
export const PF_TABLE = 'snoopy_blocked';
const PFCTL = '/sbin/pfctl';

/**
 * pf backend (macOS, BSD): anchor `snoopy` holding one table and a quick block rule; the anchor
 * must be referenced from pf.conf (`anchor "snoopy"`), which the README shows. pf tables have no
 * per-entry timeout, so the block manager's timer removes entries. Adding an address also kills
 * its live states (`pfctl -k`), otherwise established connections would carry on.
 * Per-port blocks are widened to the whole address here (a table holds addresses only), so
 * several of our entries can share one table address: it is counted, and deleted from the table
 * only when the last entry that needs it goes. Not runnable on Linux: tests check the exact
 * commands.
 */
export class PfFirewall implements Firewall {
  readonly name = 'pfctl';
  readonly kernelTimeouts = false;
  /** Table address → our entries (entryKey) that put it there. */
  private readonly users = new Map<string, Set<string>>();

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly pfctl: string = PFCTL,
  ) {}

  async setup(): Promise<void> {
    await this.run([this.pfctl, '-a', PF_ANCHOR, '-f', '-'], { input: pfAnchorRules() });
  }

  async apply(add: readonly BlockSpec[], remove: readonly BlockSpec[]): Promise<void> {
    for (const spec of add) {
      const users = this.users.get(netOf(spec)) ?? new Set<string>();
      users.add(entryKey(spec));
      this.users.set(netOf(spec), users);
    }
    const removeNets: string[] = [];
    for (const spec of remove) {
      const net = netOf(spec);
      const users = this.users.get(net);
      users?.delete(entryKey(spec));
      // Entries we never saw added (adopted from an earlier run) have no users: remove them.
      if (users === undefined || users.size === 0) {
        this.users.delete(net);
        removeNets.push(net);
      }
    }
    const addNets = unique(add.map(netOf));
    if (removeNets.length > 0) await this.run([this.pfctl, '-a', PF_ANCHOR, '-t', PF_TABLE, '-T', 'delete', ...unique(removeNets)], { allowFailure: true });
    if (addNets.length > 0) {
      await this.run([this.pfctl, '-a', PF_ANCHOR, '-t', PF_TABLE, '-T', 'add', ...addNets]);
      for (const net of addNets) await this.run([this.pfctl, '-k', net], { allowFailure: true });
    }
  }

  async list(): Promise<FirewallEntry[]> {
    const r = await this.run([this.pfctl, '-a', PF_ANCHOR, '-t', PF_TABLE, '-T', 'show'], { allowFailure: true });
    if (r.exitCode !== 0) return [];
    const out: FirewallEntry[] = [];
    for (const line of r.stdout.split('\n')) {
      const text = line.trim();
      if (text === '') continue;
      const cidr = canonicalCidr(text);
      if (cidr === null) continue;
      out.push({ cidr, family: cidr.includes(':') ? 6 : 4, port: null, remainingSeconds: null });
    }
    return out;
  }

  async flush(): Promise<void> {
    this.users.clear();
    await this.run([this.pfctl, '-a', PF_ANCHOR, '-t', PF_TABLE, '-T', 'kill'], { allowFailure: true });
    await this.run([this.pfctl, '-a', PF_ANCHOR, '-F', 'rules'], { allowFailure: true });
  }
}

export function pfAnchorRules(): string {
  return `table <${PF_TABLE}> persist\nblock drop in quick from <${PF_TABLE}> to any\n`;
}

function netOf(spec: BlockSpec): string {
  return hostOrCidr(spec.cidr, spec.family);
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
