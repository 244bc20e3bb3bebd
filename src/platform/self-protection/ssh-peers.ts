import { runCommand, type CommandRunner } from '../exec/run-command.js';

const SS = '/usr/bin/ss';

/**
 * Remote addresses of live SSH sessions, from `ss` (not only SSH_CONNECTION, which
 * sudo may strip). A session is an established TCP connection whose local end is owned by sshd,
 * or whose local port is one sshd listens on (22 when ss cannot name processes).
 */
export async function readSshPeers(run: CommandRunner = runCommand, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const peers = new Set<string>(sshConnectionPeer(env));
  const r = await run([SS, '-H', '-t', '-n', '-p', 'state', 'established'], { allowFailure: true, timeoutMs: 3000 });
  if (r.exitCode === 0) for (const p of parseSsEstablished(r.stdout)) peers.add(p);
  return [...peers];
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
