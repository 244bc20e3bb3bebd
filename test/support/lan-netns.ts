/**
 * Several namespaces on one LAN: a `lan` namespace holds a bridge (with an address of its own,
 * where a shared service such as a CrowdSec Local API can listen) and each member namespace is
 * joined to it by a veth pair. Traffic stays inside namespaces made here; names carry the test
 * process id and a killed run's leftovers are swept by the next one (only when that pid is gone).
 */
import { execFileSync } from 'node:child_process';
import { waitFor } from './wait-for.js';
import { deleteNamespace, killAllChildren } from './netns.js';

export const LAN_PREFIX = 'snp-lan-';

export interface LanMember {
  ns: string;
  /** The veth end inside the member namespace. */
  dev: string;
  v4: string;
}

export interface Lan {
  /** The namespace with the bridge. */
  ns: string;
  /** The bridge's own address (in `ns`). */
  v4: string;
  members: Record<string, LanMember>;
}

/** Creates the LAN 10.89.0.0/24: the bridge at .254, members at .1, .2 … in the order given. */
export async function createLan(names: readonly string[]): Promise<Lan> {
  const id = `${process.pid}`;
  const lan: Lan = { ns: `${LAN_PREFIX}${id}-lan`, v4: '10.89.0.254', members: {} };
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
  const bridge = `sl${id}br`;
  try {
    ip('netns', 'add', lan.ns);
    ip('-n', lan.ns, 'link', 'add', bridge, 'type', 'bridge');
    ip('-n', lan.ns, 'addr', 'add', `${lan.v4}/24`, 'dev', bridge);
    ip('-n', lan.ns, 'link', 'set', 'lo', 'up');
    ip('-n', lan.ns, 'link', 'set', bridge, 'up');
    names.forEach((name, i) => {
      // Interface names are at most 15 bytes: "sl" + pid (≤ 7 digits) + index + role.
      const member: LanMember = { ns: `${LAN_PREFIX}${id}-${name}`, dev: `sl${id}m${i}`, v4: `10.89.0.${i + 1}` };
      const outer = `sl${id}m${i}p`;
      ip('netns', 'add', member.ns);
      ip('link', 'add', member.dev, 'netns', member.ns, 'type', 'veth', 'peer', 'name', outer, 'netns', lan.ns);
      ip('-n', lan.ns, 'link', 'set', outer, 'master', bridge);
      ip('-n', lan.ns, 'link', 'set', outer, 'up');
      ip('-n', member.ns, 'addr', 'add', `${member.v4}/24`, 'dev', member.dev);
      ip('-n', member.ns, 'link', 'set', 'lo', 'up');
      ip('-n', member.ns, 'link', 'set', member.dev, 'up');
      lan.members[name] = member;
    });
  } catch (e) {
    destroyLan(lan);
    throw new Error(`cannot set up the LAN namespaces: ${String((e as { stderr?: unknown }).stderr ?? e).trim().split('\n')[0]}`);
  }
  try {
    await waitFor(() => Object.values(lan.members).every((m) => operState(m.ns, m.dev) === 'UP'), { timeoutMs: 10_000, intervalMs: 25, message: 'the LAN veths to be up' });
  } catch (e) {
    destroyLan(lan);
    throw e;
  }
  return lan;
}

/** Kills what runs in the LAN's namespaces, then deletes them. */
export function destroyLan(lan: Lan): void {
  killAllChildren();
  for (const m of Object.values(lan.members)) deleteNamespace(m.ns);
  deleteNamespace(lan.ns);
}

/** Deletes LAN namespaces of earlier runs whose test process is gone. */
export function sweepStaleLans(): void {
  let listing = '';
  try {
    listing = execFileSync('ip', ['netns', 'list'], { stdio: 'pipe', timeout: 5000 }).toString();
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${LAN_PREFIX}(\\d+)-`).exec(name);
    if (m === null) continue;
    const pid = Number(m[1]);
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 0);
      continue;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') continue;
    }
    deleteNamespace(name);
  }
}

function operState(ns: string, dev: string): string {
  const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev], { stdio: 'pipe', timeout: 5000 }).toString();
  return (JSON.parse(out) as { operstate?: string }[])[0]?.operstate ?? 'unknown';
}
