import { accessSync, constants } from 'node:fs';
import { runCommand, type CommandRunner } from '../exec/run-command.js';
import type { Firewall, FirewallName } from './firewall.js';
import { IptablesFirewall, iptablesPaths, type IptablesVariant } from './iptables-firewall.js';
import { NetshFirewall } from './netsh-firewall.js';
import { NftablesFirewall } from './nftables-firewall.js';
import { NoFirewall } from './no-firewall.js';
import { PfFirewall } from './pf-firewall.js';

export type FirewallChoice = FirewallName | 'auto';

export interface ChosenFirewall {
  firewall: Firewall;
  /** Why auto picked it, or why it fell back to none. */
  note: string | null;
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `--firewall auto`: nftables where `nft` answers, else iptables + ipset, pf on macOS/BSD, netsh
 * on Windows, otherwise none (with a note: detection goes on, blocks become dry runs).
 */
export async function chooseFirewall(choice: FirewallChoice, run: CommandRunner = runCommand, platform: NodeJS.Platform = process.platform, iptables: IptablesVariant = 'system'): Promise<ChosenFirewall> {
  switch (choice) {
    case 'nftables':
      return { firewall: new NftablesFirewall(run), note: null };
    case 'iptables':
      return { firewall: new IptablesFirewall(run, iptablesPaths(iptables)), note: null };
    case 'pfctl':
      return { firewall: new PfFirewall(run), note: null };
    case 'netsh':
      return { firewall: new NetshFirewall(run), note: null };
    case 'none':
      return { firewall: new NoFirewall(), note: null };
    case 'auto':
      break;
  }
  if (platform === 'win32') return { firewall: new NetshFirewall(run), note: 'firewall: Windows Firewall (netsh)' };
  if (platform === 'darwin' || platform === 'freebsd' || platform === 'openbsd') return { firewall: new PfFirewall(run), note: 'firewall: pf (pfctl)' };
  if (executable('/usr/sbin/nft')) {
    const probe = await run(['/usr/sbin/nft', 'list', 'tables'], { allowFailure: true, timeoutMs: 5000 }).catch(() => null);
    if (probe !== null && probe.exitCode === 0) return { firewall: new NftablesFirewall(run), note: 'firewall: nftables (table inet snoopy)' };
  }
  if (executable('/usr/sbin/iptables') && executable('/usr/sbin/ipset')) return { firewall: new IptablesFirewall(run, iptablesPaths(iptables)), note: 'firewall: iptables + ipset (chain SNOOPY)' };
  return { firewall: new NoFirewall(), note: 'no usable firewall found (nft, or iptables with ipset): blocks are recorded as dry runs' };
}
