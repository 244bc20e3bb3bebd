import { CommandError, runCommand, type CommandRunner } from '../exec/run-command.js';
import { hostOrCidr, timeoutOf, type BlockSpec, type Firewall, type FirewallEntry } from './firewall.js';
import { parseIpsetSave } from './ipset-listing.js';
import { IPSETS } from './ipset-names.js';

export const IPTABLES_CHAIN = 'SNOOPY';
/** ipset's default maxelem is 65536; a large blocklist response must not hit it. */
const MAX_ELEMENTS = 1_048_576;

export interface IptablesPaths {
  iptables: string;
  ip6tables: string;
  ipset: string;
}

/** `iptables` is the distribution's choice (nft or legacy); tests pass the other explicitly. */
export const IPTABLES_DEFAULT_PATHS: IptablesPaths = { iptables: '/usr/sbin/iptables', ip6tables: '/usr/sbin/ip6tables', ipset: '/usr/sbin/ipset' };
export const IPTABLES_LEGACY_PATHS: IptablesPaths = { iptables: '/usr/sbin/iptables-legacy', ip6tables: '/usr/sbin/ip6tables-legacy', ipset: '/usr/sbin/ipset' };
export const IPTABLES_NFT_PATHS: IptablesPaths = { iptables: '/usr/sbin/iptables-nft', ip6tables: '/usr/sbin/ip6tables-nft', ipset: '/usr/sbin/ipset' };

/** Which iptables: the distribution's alternative (`system`), or explicitly nft or legacy. */
export type IptablesVariant = 'system' | 'nft' | 'legacy';
export const IPTABLES_VARIANTS: readonly IptablesVariant[] = ['system', 'nft', 'legacy'];

export function iptablesPaths(variant: IptablesVariant): IptablesPaths {
  return variant === 'legacy' ? IPTABLES_LEGACY_PATHS : variant === 'nft' ? IPTABLES_NFT_PATHS : IPTABLES_DEFAULT_PATHS;
}

/**
 * iptables + ipset backend: four ipsets with per-entry `timeout` (the kernel expires entries),
 * one chain SNOOPY per family whose commented rules match the sets, jumped to first from INPUT
 * and FORWARD. Set changes are one `ipset restore -exist` batch (-exist makes adds refresh the
 * timeout and removes of absent entries harmless). Works with iptables-nft and iptables-legacy:
 * only the match and target modules both support are used.
 */
export class IptablesFirewall implements Firewall {
  readonly name = 'iptables';
  readonly kernelTimeouts = true;

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly paths: IptablesPaths = IPTABLES_DEFAULT_PATHS,
  ) {}

  async setup(): Promise<void> {
    await this.run([this.paths.ipset, 'restore', '-exist'], { input: ipsetCreateScript() });
    for (const family of [4, 6] as const) {
      const tool = family === 4 ? this.paths.iptables : this.paths.ip6tables;
      // -N fails when the chain exists; either way it is then flushed and refilled, so rules never double.
      await this.run([tool, '-w', '5', '-N', IPTABLES_CHAIN], { allowFailure: true });
      await this.run([tool, '-w', '5', '-F', IPTABLES_CHAIN]);
      for (const rule of chainRules(family)) await this.run([tool, '-w', '5', '-A', IPTABLES_CHAIN, ...rule]);
      for (const hook of ['INPUT', 'FORWARD']) {
        const present = await this.run([tool, '-w', '5', '-C', hook, '-j', IPTABLES_CHAIN], { allowFailure: true });
        if (present.exitCode !== 0) await this.run([tool, '-w', '5', '-I', hook, '1', '-j', IPTABLES_CHAIN]);
      }
    }
  }

  async apply(add: readonly BlockSpec[], remove: readonly BlockSpec[]): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    await this.run([this.paths.ipset, 'restore', '-exist'], { input: ipsetApplyScript(add, remove), timeoutMs: 30_000 });
  }

  async list(): Promise<FirewallEntry[]> {
    const out: FirewallEntry[] = [];
    for (const name of Object.values(IPSETS)) {
      const r = await this.run([this.paths.ipset, 'save', name], { allowFailure: true });
      if (r.exitCode === 0) out.push(...parseIpsetSave(r.stdout));
    }
    return out;
  }

  async flush(): Promise<void> {
    for (const tool of [this.paths.iptables, this.paths.ip6tables]) {
      for (const hook of ['INPUT', 'FORWARD']) {
        // Remove every jump (a crashed older run might have left more than one).
        for (let i = 0; i < 16; i++) {
          const r = await this.run([tool, '-w', '5', '-D', hook, '-j', IPTABLES_CHAIN], { allowFailure: true });
          if (r.exitCode !== 0) break;
        }
      }
      await this.run([tool, '-w', '5', '-F', IPTABLES_CHAIN], { allowFailure: true });
      await this.run([tool, '-w', '5', '-X', IPTABLES_CHAIN], { allowFailure: true });
    }
    for (const name of Object.values(IPSETS)) {
      try {
        await this.run([this.paths.ipset, 'destroy', name]);
      } catch (e) {
        // A set that does not exist is already gone; anything else (still referenced) is a real failure.
        if (!(e instanceof CommandError && /does not exist/.test(e.stderr))) throw e;
      }
    }
  }
}

export function ipsetCreateScript(): string {
  return [
    `create ${IPSETS.addr4} hash:net family inet timeout 0 maxelem ${MAX_ELEMENTS}`,
    `create ${IPSETS.addr6} hash:net family inet6 timeout 0 maxelem ${MAX_ELEMENTS}`,
    `create ${IPSETS.port4} hash:net,port family inet timeout 0 maxelem ${MAX_ELEMENTS}`,
    `create ${IPSETS.port6} hash:net,port family inet6 timeout 0 maxelem ${MAX_ELEMENTS}`,
  ].join('\n') + '\n';
}

function chainRules(family: 4 | 6): string[][] {
  const addr = family === 4 ? IPSETS.addr4 : IPSETS.addr6;
  const port = family === 4 ? IPSETS.port4 : IPSETS.port6;
  return [
    ['-m', 'set', '--match-set', addr, 'src', '-m', 'comment', '--comment', 'snoopy-tui: blocked sources', '-j', 'DROP'],
    ['-m', 'set', '--match-set', port, 'src,dst', '-m', 'comment', '--comment', 'snoopy-tui: blocked source and port', '-j', 'DROP'],
  ];
}

export function ipsetApplyScript(add: readonly BlockSpec[], remove: readonly BlockSpec[]): string {
  const lines: string[] = [];
  for (const spec of remove) lines.push(`del ${setOf(spec)} ${memberOf(spec)}`);
  for (const spec of add) lines.push(`add ${setOf(spec)} ${memberOf(spec)} timeout ${timeoutOf(spec)}`);
  return lines.join('\n') + '\n';
}

function setOf(spec: BlockSpec): string {
  if (spec.port === null) return spec.family === 4 ? IPSETS.addr4 : IPSETS.addr6;
  return spec.family === 4 ? IPSETS.port4 : IPSETS.port6;
}

function memberOf(spec: BlockSpec): string {
  const net = hostOrCidr(spec.cidr, spec.family);
  return spec.port === null ? net : `${net},${spec.port.protocol}:${spec.port.number}`;
}
