/**
 * Two network namespaces joined by a veth pair, for tests that send real traffic.
 *
 * Safety: traffic only ever goes between namespaces made here. Names carry the test
 * process id (`snp-e2e-<pid>-victim`), so concurrent runs never share a namespace, and a run
 * that was killed before its cleanup is swept by the next one (only when that pid is gone).
 */
import { execFile, execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { promisify } from 'node:util';
import { waitFor } from './wait-for.js';

const execFileAsync = promisify(execFile);

export const NETNS_PREFIX = 'snp-e2e-';

export interface NetnsPair {
  attacker: string;
  victim: string;
  /** veth end inside the attacker namespace. */
  attackerIf: string;
  /** veth end inside the victim namespace. */
  victimIf: string;
  attackerV4: string;
  victimV4: string;
  attackerV6: string;
  victimV6: string;
}

/** Why namespace tests cannot run here, or null when they can. `tools` must be on PATH. */
export function netnsSkipReason(tools: readonly string[]): string | null {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'needs root (network namespaces, raw sockets, live capture)';
  const missing = tools.filter((t) => !onPath(t));
  if (missing.length > 0) return `missing tools: ${missing.join(', ')}`;
  const probe = `${NETNS_PREFIX}${process.pid}-probe`;
  try {
    execFileSync('ip', ['netns', 'add', probe], { stdio: 'pipe', timeout: 5000 });
  } catch (e) {
    return `'ip netns add' does not work here: ${firstLine(e)}`;
  }
  try {
    execFileSync('ip', ['netns', 'del', probe], { stdio: 'pipe', timeout: 5000 });
  } catch {
    // best effort
  }
  return null;
}

export function onPath(tool: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v "$1"`, 'sh', tool], { stdio: 'pipe', timeout: 5000 });
    return true;
  } catch {
    return false;
  }
}

/** argv that runs `argv` inside namespace `ns`. `ip netns exec` execs, so the pid is the command's. */
export function inNetns(ns: string, argv: readonly string[]): [string, string[]] {
  return ['ip', ['netns', 'exec', ns, ...argv]];
}

/** Runs a command inside a namespace to completion, with a hard timeout. */
export async function execIn(ns: string, argv: readonly string[], timeoutMs = 30_000): Promise<{ stdout: string; stderr: string }> {
  const [cmd, args] = inNetns(ns, argv);
  return execFileAsync(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 });
}

/** Children started through `spawnIn`, killed by `killAll` whatever happened in the test. */
const children = new Set<ChildProcess>();

export function spawnIn(ns: string, argv: readonly string[], options: SpawnOptions = {}): ChildProcess {
  const [cmd, args] = inNetns(ns, argv);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Resolves when the child has exited (code or signal); rejects after `timeoutMs`. */
export function waitForExit(child: ChildProcess, timeoutMs: number, what = 'child process'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.removeListener('exit', onExit);
      reject(new Error(`${what} (pid ${child.pid}) did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ code, signal });
    };
    child.once('exit', onExit);
  });
}

/** Signals a child and waits for it; SIGKILL if it does not go in time. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 3000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  try {
    await waitForExit(child, timeoutMs);
  } catch {
    child.kill('SIGKILL');
    await waitForExit(child, 2000).catch(() => undefined);
  }
}

export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/**
 * Creates the two namespaces (`<prefix><pid>-attacker|victim`) and the veth between them, both
 * families, and returns once both ends are operationally up: a new veth reports NO-CARRIER for up to ~1 s after `link set up`
 * (linkwatch), and until then getifaddrs() consumers such as os.networkInterfaces() do not
 * list it at all.
 */
export async function createNetnsPair(prefix: string = NETNS_PREFIX): Promise<NetnsPair> {
  const id = `${process.pid}`;
  const pair: NetnsPair = {
    attacker: `${prefix}${id}-attacker`,
    victim: `${prefix}${id}-victim`,
    // Interface names are at most 15 bytes: "snp" + pid (≤ 7 digits) + role.
    attackerIf: `snp${id}a`,
    victimIf: `snp${id}v`,
    attackerV4: '10.88.0.1',
    victimV4: '10.88.0.2',
    attackerV6: 'fd88::1',
    victimV6: 'fd88::2',
  };
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe', timeout: 5000 });
  try {
    ip('netns', 'add', pair.attacker);
    ip('netns', 'add', pair.victim);
    ip('link', 'add', pair.attackerIf, 'netns', pair.attacker, 'type', 'veth', 'peer', 'name', pair.victimIf, 'netns', pair.victim);
    ip('-n', pair.attacker, 'addr', 'add', `${pair.attackerV4}/24`, 'dev', pair.attackerIf);
    ip('-n', pair.victim, 'addr', 'add', `${pair.victimV4}/24`, 'dev', pair.victimIf);
    ip('-n', pair.attacker, 'addr', 'add', `${pair.attackerV6}/64`, 'dev', pair.attackerIf, 'nodad');
    ip('-n', pair.victim, 'addr', 'add', `${pair.victimV6}/64`, 'dev', pair.victimIf, 'nodad');
    for (const [ns, dev] of [
      [pair.attacker, pair.attackerIf],
      [pair.victim, pair.victimIf],
    ] as const) {
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
  } catch (e) {
    destroyNetnsPair(pair);
    throw new Error(`cannot set up namespaces: ${firstLine(e)}`);
  }
  let states: string[] = [];
  try {
    await waitFor(
      () => {
        states = [operState(pair.attacker, pair.attackerIf), operState(pair.victim, pair.victimIf)];
        return states.every((s) => s === 'UP');
      },
      { timeoutMs: 10_000, intervalMs: 25, message: () => `the veth pair to be up (operstate ${states.join(', ')})` },
    );
  } catch (e) {
    destroyNetnsPair(pair);
    throw e;
  }
  return pair;
}

/**
 * rx + tx packets of interface `dev` in namespace `ns`, from the kernel's counters: every frame
 * a capture on that interface could see.
 */
export function interfacePackets(ns: string, dev: string): number {
  const read = (what: string) => Number(execFileSync('ip', ['netns', 'exec', ns, 'cat', `/sys/class/net/${dev}/statistics/${what}`], { timeout: 5000 }).toString());
  return read('rx_packets') + read('tx_packets');
}

function operState(ns: string, dev: string): string {
  const out = execFileSync('ip', ['-n', ns, '-j', 'link', 'show', 'dev', dev], { stdio: 'pipe', timeout: 5000 }).toString();
  const [link] = JSON.parse(out) as { operstate?: string }[];
  return link?.operstate ?? 'unknown';
}

/** Kills whatever still runs inside our namespaces, then deletes them (the veth goes with them). */
export function destroyNetnsPair(pair: NetnsPair): void {
  killAllChildren();
  for (const ns of [pair.attacker, pair.victim]) deleteNamespace(ns);
}

export function deleteNamespace(ns: string): void {
  try {
    const pids = execFileSync('ip', ['netns', 'pids', ns], { stdio: 'pipe', timeout: 5000 }).toString().split(/\s+/).filter(Boolean);
    for (const pid of pids) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // already gone
      }
    }
  } catch {
    // namespace missing
  }
  try {
    execFileSync('ip', ['netns', 'del', ns], { stdio: 'pipe', timeout: 5000 });
  } catch {
    // namespace missing
  }
}

/** Deletes namespaces of earlier runs whose test process no longer exists. */
export function sweepStaleNamespaces(): void {
  let listing: string;
  try {
    listing = execFileSync('ip', ['netns', 'list'], { stdio: 'pipe', timeout: 5000 }).toString();
  } catch {
    return;
  }
  for (const line of listing.split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)-(attacker|victim|probe)$`).exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isAlive(pid)) continue;
    deleteNamespace(name);
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Cleans up even when the test process is interrupted (Ctrl-C, CI timeout): `after` hooks do
 * not run then. Returns a function that removes the handlers.
 */
export function cleanupOnExit(pair: NetnsPair): () => void {
  const onExit = () => destroyNetnsPair(pair);
  const onSignal = (signal: NodeJS.Signals) => {
    destroyNetnsPair(pair);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return () => {
    process.removeListener('exit', onExit);
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  };
}

function firstLine(e: unknown): string {
  const err = e as { stderr?: Buffer | string; message?: string };
  const text = (err.stderr !== undefined && String(err.stderr).trim() !== '' ? String(err.stderr) : err.message) ?? String(e);
  return text.trim().split('\n')[0] ?? '';
}
