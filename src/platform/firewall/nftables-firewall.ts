import { CommandError, runCommand, type CommandObserver, type CommandRunner } from '../exec/run-command.js';
import { hostOrCidr, timeoutOf, type BlockSpec, type Firewall, type FirewallEntry } from './firewall.js';
import { parseNftSetListing } from './nftables-listing.js';

export const NFT_TABLE = 'snoopy';
const NFT_PATH = '/usr/sbin/nft';

/**
 * The sets of our table. Single addresses go to plain hash sets: deleting from a set with
 * `flags interval` costs more the bigger it is (100,000 deletes took over a minute, the same on
 * a hash set a fraction of a second), and a refresh is a delete + add. Networks (an IPv6 /64,
 * an --allow-sized range) go to interval sets, as do source + protocol + port entries.
 */
const SETS = {
  addr4: { type: 'ipv4_addr', flags: 'timeout' },
  addr6: { type: 'ipv6_addr', flags: 'timeout' },
  net4: { type: 'ipv4_addr', flags: 'interval, timeout' },
  net6: { type: 'ipv6_addr', flags: 'interval, timeout' },
  port4: { type: 'ipv4_addr . inet_proto . inet_service', flags: 'interval, timeout' },
  port6: { type: 'ipv6_addr . inet_proto . inet_service', flags: 'interval, timeout' },
} as const;
type SetName = keyof typeof SETS;

/**
 * nftables backend: our own `table inet snoopy`, sets with `flags timeout` (the
 * kernel expires entries itself), and input + forward chains hooked at priority filter - 10 so
 * they run before the distribution's filter chains. Every change is one `nft -f -` batch, which
 * the kernel applies atomically.
 */
export class NftablesFirewall implements Firewall {
  readonly name = 'nftables';
  readonly kernelTimeouts = true;

  constructor(
    private readonly run: CommandRunner = runCommand,
    private readonly nft: string = NFT_PATH,
  ) {}

  setup(): Promise<void> {
    return this.batch(setupScript());
  }

  async apply(add: readonly BlockSpec[], remove: readonly BlockSpec[], observer?: CommandObserver): Promise<void> {
    if (add.length === 0 && remove.length === 0) return;
    if (remove.length === 0) {
      // New entries, the usual block: `create element` alone. A batch that deletes an element
      // costs the kernel's commit ~10 ms more (measured with nft 1.0.6), so the delete of
      // applyScript is paid only when needed: an element that exists already (a refresh, a
      // leftover) makes the whole batch fail unchanged, and applyScript then sets its timeout.
      try {
        await this.batch(createScript(add), observer);
        return;
      } catch (e) {
        // nft ran and refused the batch: retried below. Not found, timed out …: the same again.
        if (!(e instanceof CommandError && e.kind === 'exit')) throw e;
      }
    }
    await this.batch(applyScript(add, remove), observer);
  }

  async list(): Promise<FirewallEntry[]> {
    const r = await this.run([this.nft, '-j', 'list', 'table', 'inet', NFT_TABLE], { allowFailure: true });
    // A missing table means nothing of ours is in the firewall.
    if (r.exitCode !== 0) return [];
    return parseNftSetListing(r.stdout);
  }

  flush(): Promise<void> {
    // `add` first makes the delete idempotent: deleting a table that does not exist fails.
    return this.batch(`add table inet ${NFT_TABLE}\ndelete table inet ${NFT_TABLE}\n`);
  }

  private async batch(script: string, observer?: CommandObserver): Promise<void> {
    // warm: the next batch's `nft -f -` is started ahead, so a block does not wait for it to spawn.
    await this.run([this.nft, '-f', '-'], { input: script, timeoutMs: 30_000, warm: true, ...(observer !== undefined ? { observer } : {}) });
  }
}

export function setupScript(): string {
  const t = `inet ${NFT_TABLE}`;
  const lines = [`add table ${t}`];
  for (const [name, set] of Object.entries(SETS)) lines.push(`add set ${t} ${name} { type ${set.type}; flags ${set.flags}; }`);
  for (const hook of ['input', 'forward']) {
    lines.push(`add chain ${t} ${hook} { type filter hook ${hook} priority filter - 10; policy accept; }`);
    // Rules are rewritten, never appended twice; the sets (our blocks) are left as they are.
    lines.push(`flush chain ${t} ${hook}`);
    lines.push(`add rule ${t} ${hook} ip saddr @addr4 counter drop comment "snoopy-tui: blocked sources"`);
    lines.push(`add rule ${t} ${hook} ip6 saddr @addr6 counter drop comment "snoopy-tui: blocked sources"`);
    lines.push(`add rule ${t} ${hook} ip saddr @net4 counter drop comment "snoopy-tui: blocked networks"`);
    lines.push(`add rule ${t} ${hook} ip6 saddr @net6 counter drop comment "snoopy-tui: blocked networks"`);
    lines.push(`add rule ${t} ${hook} ip saddr . meta l4proto . th dport @port4 counter drop comment "snoopy-tui: blocked source and port"`);
    lines.push(`add rule ${t} ${hook} ip6 saddr . meta l4proto . th dport @port6 counter drop comment "snoopy-tui: blocked source and port"`);
  }
  return lines.join('\n') + '\n';
}

/** Adds entries that must not exist yet: the batch fails as a whole (File exists) if one does. */
export function createScript(add: readonly BlockSpec[]): string {
  const lines: string[] = [];
  for (const spec of add) {
    const { set, element } = elementOf(spec);
    lines.push(`create element inet ${NFT_TABLE} ${set} { ${element} timeout ${timeoutOf(spec)}s }`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Adds use add + delete + add so an entry that already exists gets the new timeout (a plain
 * `add` keeps the old one) and an absent one does not make the delete fail the whole batch.
 * Removes use add + delete for the same reason.
 */
export function applyScript(add: readonly BlockSpec[], remove: readonly BlockSpec[]): string {
  const lines: string[] = [];
  for (const spec of remove) {
    const { set, element } = elementOf(spec);
    lines.push(`add element inet ${NFT_TABLE} ${set} { ${element} }`);
    lines.push(`delete element inet ${NFT_TABLE} ${set} { ${element} }`);
  }
  for (const spec of add) {
    const { set, element } = elementOf(spec);
    lines.push(`add element inet ${NFT_TABLE} ${set} { ${element} }`);
    lines.push(`delete element inet ${NFT_TABLE} ${set} { ${element} }`);
    lines.push(`add element inet ${NFT_TABLE} ${set} { ${element} timeout ${timeoutOf(spec)}s }`);
  }
  return lines.join('\n') + '\n';
}

function elementOf(spec: BlockSpec): { set: SetName; element: string } {
  // Addresses are canonical (parsed and re-formatted by the block manager), never raw input.
  const net = hostOrCidr(spec.cidr, spec.family);
  if (spec.port === null) {
    const host = !net.includes('/');
    return { set: spec.family === 4 ? (host ? 'addr4' : 'net4') : host ? 'addr6' : 'net6', element: net };
  }
  return { set: spec.family === 4 ? 'port4' : 'port6', element: `${net} . ${spec.port.protocol} . ${spec.port.number}` };
}
