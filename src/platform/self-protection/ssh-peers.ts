import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { runCommand, type CommandRunner } from '../exec/run-command.js';
import { parseProcNet, type ProcNetEntry } from '../process-owners/proc-net-parser.js';

const SS = '/usr/bin/ss';
const SSHD_NAMES = new Set(['sshd', 'sshd-session', 'sshd-auth']);

/** How to read the kernel's view (replaceable in tests). */
export interface SshPeerSources {
  /** The text of a /proc file; throws when it cannot be read. */
  readFile(path: string): string;
  /** Process ids in /proc. */
  pids(): string[];
  /** Targets of /proc/PID/fd/* links. */
  fdLinks(pid: string): string[];
  run: CommandRunner;
  env: NodeJS.ProcessEnv;
}

const nodeSources = (run: CommandRunner = runCommand, env: NodeJS.ProcessEnv = process.env): SshPeerSources => ({
  readFile: (path) => readFileSync(path, 'utf8'),
  pids: () => readdirSync('/proc').filter((n) => /^\d+$/.test(n)),
  fdLinks: (pid) => {
    try {
      return readdirSync(`/proc/${pid}/fd`).map((fd) => {
        try {
          return readlinkSync(`/proc/${pid}/fd/${fd}`);
        } catch {
          return '';
        }
      });
    } catch {
      return [];
    }
  },
  run,
  env,
});

/**
 * Remote addresses of live SSH sessions (not only SSH_CONNECTION, which sudo may strip).
 * A session is an established TCP connection whose local end is held by sshd, or whose local
 * port is one sshd listens on (and 22 always).
 *
 * Read from the kernel's own tables first (/proc/net/tcp and tcp6, owners from /proc/PID/fd):
 * no tool to find, nothing to run. When /proc cannot be read, `ss` (found on the system path:
 * /usr/bin on Debian, /usr/sbin on RHEL, /sbin on Alpine). When neither works this REJECTS with
 * why: an empty list would let an automatic block cut the admin's own session.
 */
export async function readSshPeers(run: CommandRunner = runCommand, env: NodeJS.ProcessEnv = process.env, sources: SshPeerSources = nodeSources(run, env)): Promise<string[]> {
  const peers = new Set<string>(sshConnectionPeer(sources.env));
  let procProblem: string;
  try {
    for (const p of sshPeersFromProc(sources)) peers.add(p);
    return [...peers];
  } catch (e) {
    procProblem = (e as Error).message;
  }
  let ssProblem: string;
  try {
    const r = await sources.run([SS, '-H', '-t', '-n', '-p', 'state', 'established'], { allowFailure: true, timeoutMs: 3000 });
    if (r.exitCode === 0) {
      for (const p of parseSsEstablished(r.stdout)) peers.add(p);
      return [...peers];
    }
    ssProblem = `ss exit ${r.exitCode}${r.stderr.trim() !== '' ? `: ${r.stderr.trim().split('\n')[0]!.slice(0, 120)}` : ''}`;
  } catch (e) {
    ssProblem = (e as Error).message;
  }
  throw new Error(`${procProblem}; ${ssProblem}`);
}

/** From /proc/net/tcp{,6}: throws when neither table can be read (or both are empty of headers). */
export function sshPeersFromProc(sources: Pick<SshPeerSources, 'readFile' | 'pids' | 'fdLinks'>): string[] {
  const entries: ProcNetEntry[] = [];
  let read = 0;
  const problems: string[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = sources.readFile(table);
    } catch (e) {
      problems.push(`${table}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      continue;
    }
    // A real table always has its header line, even with no sockets: an empty file is not one.
    if (!/^\s*sl\s+local_address/.test(text)) {
      problems.push(`${table}: not a socket table`);
      continue;
    }
    read++;
    entries.push(...parseProcNet(text, 'tcp').entries);
  }
  if (read === 0) throw new Error(problems.join(', '));
  const sshdInodes = sshdSocketInodes(sources);
  const ports = new Set<number>([22]);
  for (const e of entries) if (e.state === 'LISTEN' && sshdInodes.has(e.inode)) ports.add(e.localPort);
  const out: string[] = [];
  for (const e of entries) {
    if (e.state !== 'ESTABLISHED') continue;
    if (ports.has(e.localPort) || (e.inode !== 0 && sshdInodes.has(e.inode))) out.push(e.remoteAddress);
  }
  return out;
}

/** Socket inodes held by sshd processes (by their comm name). */
function sshdSocketInodes(sources: Pick<SshPeerSources, 'readFile' | 'pids' | 'fdLinks'>): Set<number> {
  const inodes = new Set<number>();
  let pids: string[];
  try {
    pids = sources.pids();
  } catch {
    return inodes;
  }
  for (const pid of pids) {
    let comm: string;
    try {
      comm = sources.readFile(`/proc/${pid}/comm`).trim();
    } catch {
      continue;
    }
    if (!SSHD_NAMES.has(comm)) continue;
    for (const link of sources.fdLinks(pid)) {
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m) inodes.add(Number(m[1]));
    }
  }
  return inodes;
}

/** `SSH_CONNECTION=client port server port` of our own session, when it survived sudo. */
export function sshConnectionPeer(env: NodeJS.ProcessEnv): string[] {
  const first = env.SSH_CONNECTION?.trim().split(/\s+/)[0];
  return first ? [first] : [];
}

/**
 * Lines of `ss -Htnp state established`: Recv-Q Send-Q Local:Port Peer:Port [users:((…))].
 * (With a state filter ss leaves out the State column.)
 */
export function parseSsEstablished(text: string, sshPorts: ReadonlySet<number> = new Set([22])): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const local = splitHostPort(f[2]!);
    const peer = splitHostPort(f[3]!);
    if (local === null || peer === null) continue;
    const bySshd = line.includes('"sshd"') || line.includes('"sshd-session"');
    if (bySshd || sshPorts.has(local.port)) out.push(peer.host);
  }
  return out;
}

/** `10.0.0.1:22`, `[2001:db8::1]:22`, `[::ffff:10.0.0.1]:22`, `[fe80::1%eth0]:22`. */
function splitHostPort(text: string): { host: string; port: number } | null {
  const i = text.lastIndexOf(':');
  if (i <= 0) return null;
  let host = text.slice(0, i);
  const port = Number(text.slice(i + 1));
  if (!Number.isInteger(port)) return null;
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return { host, port };
}
