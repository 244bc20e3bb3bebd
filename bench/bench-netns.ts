/**
 * Namespaces for the live sections of the bench (traffic and firewall changes only
 * in namespaces we made). Everything is named `snp-bench-<pid>-…`, so a bench never touches
 * another run's namespaces, and one killed before its cleanup is swept by the next (only when
 * that pid is gone). The pair itself comes from test/support/netns.ts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createNetnsPair, deleteNamespace, destroyNetnsPair, onPath, type NetnsPair } from '../test/support/netns.js';

export const BENCH_NETNS_PREFIX = 'snp-bench-';
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli.js');

/** Why a section needing namespaces and `tools` cannot run here, or null when it can. */
export function benchSkipReason(tools: readonly string[], needsCli = true): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root (namespaces, capture, firewall)';
  const missing = ['ip', ...tools].filter((t) => !onPath(t));
  if (missing.length > 0) return `missing tools: ${missing.join(', ')}`;
  if (needsCli && !existsSync(CLI)) return 'dist/cli.js missing (npm run build)';
  return null;
}

/** Deletes snp-bench- namespaces of earlier bench processes that no longer exist. */
export function sweepStaleBenchNamespaces(): void {
  let listing = '';
  try {
    listing = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8', timeout: 5000 });
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${BENCH_NETNS_PREFIX}(\\d+)-`).exec(name);
    if (m === null || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ESRCH') deleteNamespace(name);
    }
  }
}

/** One namespace with only loopback up (the firewall section needs no traffic). */
export function createLoneNamespace(role: string): string {
  const ns = `${BENCH_NETNS_PREFIX}${process.pid}-${role}`;
  deleteNamespace(ns);
  execFileSync('ip', ['netns', 'add', ns], { stdio: 'pipe', timeout: 5000 });
  execFileSync('ip', ['-n', ns, 'link', 'set', 'lo', 'up'], { stdio: 'pipe', timeout: 5000 });
  return ns;
}

export { deleteNamespace };

/** A victim/attacker pair joined by a veth, removed by `using` even when `body` throws. */
export async function withNetnsPair<T>(body: (pair: NetnsPair) => Promise<T>): Promise<T> {
  const pair = await createNetnsPair(BENCH_NETNS_PREFIX);
  const onSignal = (): void => {
    destroyNetnsPair(pair);
    process.exit(130);
  };
  process.once('SIGINT', onSignal);
  try {
    return await body(pair);
  } finally {
    process.removeListener('SIGINT', onSignal);
    destroyNetnsPair(pair);
  }
}

/** The kernel's counter of an interface inside a namespace (rx_packets, tx_packets, rx_dropped…). */
export function ifCounter(ns: string, dev: string, counter: string): number {
  const out = execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${counter}`], { encoding: 'utf8', timeout: 5000 });
  return Number(out.trim());
}
