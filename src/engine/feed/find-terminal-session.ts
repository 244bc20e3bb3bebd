import { nodeProcFs, type ProcFs } from '../../platform/process-owners/proc-fs.js';
import { parseProcNet } from '../../platform/process-owners/proc-net-parser.js';
import { parseComm, parseSocketLink } from '../../platform/process-owners/proc-process.js';
import type { SessionEndpoints } from './own-session.js';

/** Names an SSH server's per-connection process has (OpenSSH ≥ 9.8 splits off sshd-session). */
const SSH_SERVER_NAMES = new Set(['sshd', 'sshd-session']);
const MAX_ANCESTORS = 64;

/**
 * The SSH connection a terminal program is drawn through, found from the process tree (Linux):
 * the nearest ancestor of `pid` that is an sshd session process holds the connection's socket;
 * its established TCP sockets, read from that process's own network namespace, are the session.
 * Survives sudo stripping SSH_CONNECTION. Under tmux or screen the chain leads to their server
 * instead, and nothing is found: the caller falls back to SSH_CONNECTION. Never throws.
 */
export async function findTerminalSessions(pid: number, fs: ProcFs = nodeProcFs): Promise<SessionEndpoints[]> {
  try {
    const sshd = await nearestSshServer(pid, fs);
    if (sshd === null) return [];
    const inodes = await socketInodes(sshd, fs);
    if (inodes.size === 0) return [];
    const out: SessionEndpoints[] = [];
    for (const file of ['tcp', 'tcp6']) {
      let text: string;
      try {
        text = await fs.readFile(`/proc/${sshd}/net/${file}`);
      } catch {
        continue;
      }
      for (const e of parseProcNet(text, 'tcp').entries) {
        if (e.state !== 'ESTABLISHED' || !inodes.has(e.inode)) continue;
        out.push({ local: e.localAddress, localPort: e.localPort, peer: e.remoteAddress, peerPort: e.remotePort });
      }
    }
    return out;
  } catch {
    return [];
  }
}

async function nearestSshServer(pid: number, fs: ProcFs): Promise<number | null> {
  let current = pid;
  for (let i = 0; i < MAX_ANCESTORS && current > 1; i++) {
    let stat: string;
    try {
      stat = await fs.readFile(`/proc/${current}/stat`);
    } catch {
      return null;
    }
    // comm is in parentheses and may hold spaces or ')': the fields resume after the last ')'.
    const open = stat.indexOf('(');
    const close = stat.lastIndexOf(')');
    if (open < 0 || close < open) return null;
    const comm = parseComm(stat.slice(open + 1, close));
    if (SSH_SERVER_NAMES.has(comm)) return current;
    const parent = Number(stat.slice(close + 2).split(' ')[1]);
    if (!Number.isInteger(parent) || parent <= 0 || parent === current) return null;
    current = parent;
  }
  return null;
}

async function socketInodes(pid: number, fs: ProcFs): Promise<Set<number>> {
  const out = new Set<number>();
  let fds: string[];
  try {
    fds = await fs.readdir(`/proc/${pid}/fd`);
  } catch {
    return out;
  }
  for (const fd of fds.slice(0, 256)) {
    try {
      const inode = parseSocketLink(await fs.readlink(`/proc/${pid}/fd/${fd}`));
      if (inode !== null) out.add(inode);
    } catch {
      // closed meanwhile
    }
  }
  return out;
}
