import { runCommand, type CommandRunner } from '../exec/run-command.js';
import { canonicalCidr } from '../../net/canonical.js';
import { entryKey, hostOrCidr, type BlockSpec, type Firewall, type FirewallEntry } from './firewall.js';

const NETSH = 'C:\\Windows\\System32\\netsh.exe';
/** Every rule of ours starts with this, so list and flush find them and nothing else. */
export const NETSH_RULE_PREFIX = 'snoopy-tui block ';

/**
 * Windows Firewall backend: one named inbound block rule per entry (`netsh advfirewall firewall
 * add rule name="snoopy-tui block …"`). Rules carry no timeout: the block manager's timer removes
 * them. Not runnable here: tests check the exact argv.
 */
export class NetshFirewall implements Firewall {
  readonly name = 'netsh';
  readonly kernelTimeouts = false;

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly netsh: string = NETSH,
  ) {}

  async setup(): Promise<void> {
    // Named rules need no container.
  }

  async apply(add: readonly BlockSpec[], remove: readonly BlockSpec[]): Promise<void> {
    for (const spec of remove) await this.run([this.netsh, 'advfirewall', 'firewall', 'delete', 'rule', `name=${ruleName(spec)}`], { allowFailure: true });
    for (const spec of add) {
      // Delete first: netsh happily adds a second rule with the same name.
      await this.run([this.netsh, 'advfirewall', 'firewall', 'delete', 'rule', `name=${ruleName(spec)}`], { allowFailure: true });
      await this.run(addRuleArgv(this.netsh, spec));
    }
  }

  async list(): Promise<FirewallEntry[]> {
    const r = await this.run([this.netsh, 'advfirewall', 'firewall', 'show', 'rule', 'name=all', 'dir=in'], { allowFailure: true });
    if (r.exitCode !== 0) return [];
    const out: FirewallEntry[] = [];
    for (const line of r.stdout.split(/\r?\n/)) {
      const m = /^Rule Name:\s+snoopy-tui block (\S+?)(?: (tcp|udp)\/(\d+))?\s*$/.exec(line.trim());
      if (m === null) continue;
      const cidr = canonicalCidr(m[1]!);
      if (cidr === null) continue;
      out.push({ cidr, family: cidr.includes(':') ? 6 : 4, port: m[2] ? { protocol: m[2] as 'tcp' | 'udp', number: Number(m[3]) } : null, remainingSeconds: null });
    }
    return out;
  }

  async flush(): Promise<void> {
    for (const entry of await this.list()) await this.run([this.netsh, 'advfirewall', 'firewall', 'delete', 'rule', `name=${ruleName(entry)}`], { allowFailure: true });
  }
}

export function ruleName(spec: Pick<BlockSpec, 'cidr' | 'port'>): string {
  return `${NETSH_RULE_PREFIX}${entryKey(spec)}`;
}

export function addRuleArgv(netsh: string, spec: BlockSpec): string[] {
  const argv = [netsh, 'advfirewall', 'firewall', 'add', 'rule', `name=${ruleName(spec)}`, 'dir=in', 'action=block', `remoteip=${hostOrCidr(spec.cidr, spec.family)}`];
  if (spec.port !== null) argv.push(`protocol=${spec.port.protocol}`, `localport=${spec.port.number}`);
  return argv;
}
