/**
 * macOS (and BSD) adapter: parser of `lsof -nP -iTCP -iUDP -F pcnPtu` field output
 * (add `T` — `-F pcnPtTu` — to get TCP states; `-F0` NUL separators are accepted too).
 *
 * This cannot run here (the project's machines are Linux and lsof's command runner comes with
 * the platform exec wrapper later), so only the pure parser is provided, tested on sample
 * outputs: one recorded from lsof 4.95 on Linux (same field format) and macOS-style samples
 * written after lsof's documented field output.
 *
 * Field output is one field per line, first character the field id:
 *   p<pid>  c<command>  u<uid>  L<login>          — a process set, starts at `p`
 *   f<fd>  t<IPv4|IPv6>  P<TCP|UDP>  n<name>  T<ST=LISTEN|QR=0|…>  — a file set
 * A file set starts at `f` when lsof prints it; older and Linux builds omit `f` unless asked, so
 * a field id repeating inside the current file set also starts a new one. Names look like
 * `127.0.0.1:8089`, `*:5353`, `[::1]:8089`, `10.0.0.2:51000->93.184.216.34:443`.
 * macOS prints lsof's `c` truncated (+c 0 lifts that) and gives no command line: `ps` supplies it.
 */
import { canonicalAddress, pickOwner, SocketTable, type FlowEndpoint, type SocketEntry, type SocketState } from './socket-table.js';

export interface LsofSocket {
  pid: number;
  command: string;
  /** From `u`; null when not printed. */
  uid: number | null;
  /** From `L`; null when not printed. */
  login: string | null;
  /** From `f`; null when not printed. */
  fd: string | null;
  proto: 'tcp' | 'udp';
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  /** From `TST=`; without T fields a TCP socket with no peer is taken as LISTEN (how lsof lists listeners). */
  state: SocketState;
}

export interface LsofOwner {
  pid: number;
  name: string;
  uid: number | null;
  user: string | null;
}

interface ProcessFields {
  pid: number;
  command: string;
  uid: number | null;
  login: string | null;
}

interface FileFields {
  seen: Set<string>;
  fd: string | null;
  type: string | null;
  proto: string | null;
  name: string | null;
  state: string | null;
}

const LSOF_STATES: Record<string, SocketState> = {
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RCVD: 'SYN_RECV',
  SYN_RECV: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  FIN_WAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  CLOSE: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  BOUND: 'BOUND',
};

export function parseLsofFields(text: string): LsofSocket[] {
  const out: LsofSocket[] = [];
  let proc: ProcessFields | null = null;
  let file: FileFields | null = null;
  const flush = () => {
    if (proc !== null && file !== null) {
      const s = toSocket(proc, file);
      if (s !== null) out.push(s);
    }
    file = null;
  };
  for (const line of text.split(/[\n\0]/)) {
    const raw = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (raw.length === 0) continue;
    const id = raw[0]!;
    const value = raw.slice(1);
    if (id === 'p') {
      flush();
      proc = /^\d+$/.test(value) ? { pid: Number(value), command: '', uid: null, login: null } : null;
      continue;
    }
    if (proc === null) continue;
    if (file === null) {
      if (id === 'c') {
        proc.command = value;
        continue;
      }
      if (id === 'u') {
        proc.uid = /^\d+$/.test(value) ? Number(value) : null;
        continue;
      }
      if (id === 'L') {
        proc.login = value;
        continue;
      }
      if (id === 'g' || id === 'R' || id === 'K') continue; // other process fields
    }
    if (file === null || id === 'f' || (id !== 'T' && file.seen.has(id))) {
      flush();
      file = newFile();
    }
    const cur: FileFields = file;
    cur.seen.add(id);
    switch (id) {
      case 'f':
        cur.fd = value;
        break;
      case 't':
        cur.type = value;
        break;
      case 'P':
        cur.proto = value;
        break;
      case 'n':
        cur.name = value;
        break;
      case 'T':
        if (value.startsWith('ST=')) cur.state = value.slice(3);
        break;
      default:
        break;
    }
  }
  flush();
  return out;
}

function newFile(): FileFields {
  return { seen: new Set(), fd: null, type: null, proto: null, name: null, state: null };
}

function toSocket(proc: ProcessFields, file: FileFields): LsofSocket | null {
  const proto = file.proto?.toUpperCase();
  if ((proto !== 'TCP' && proto !== 'UDP') || file.name === null) return null;
  const v6 = file.type === 'IPv6';
  const arrow = file.name.indexOf('->');
  const localText = arrow >= 0 ? file.name.slice(0, arrow) : file.name;
  const local = parseLsofEndpoint(localText, v6);
  if (local === null) return null;
  let remote: [string, number] | null = null;
  if (arrow >= 0) {
    remote = parseLsofEndpoint(file.name.slice(arrow + 2), v6);
    if (remote === null) return null;
  }
  let state: SocketState;
  if (file.state !== null) state = LSOF_STATES[file.state.toUpperCase()] ?? 'UNKNOWN';
  else if (proto === 'TCP') state = remote === null ? 'LISTEN' : 'ESTABLISHED';
  else state = remote === null ? 'CLOSE' : 'ESTABLISHED';
  return {
    pid: proc.pid,
    command: proc.command,
    uid: proc.uid,
    login: proc.login,
    fd: file.fd,
    proto: proto === 'TCP' ? 'tcp' : 'udp',
    localAddress: local[0],
    localPort: local[1],
    remoteAddress: remote?.[0] ?? null,
    remotePort: remote?.[1] ?? null,
    state,
  };
}

/** "127.0.0.1:80", "[::1]:80", "*:80", "[fe80::1%en0]:123" → [canonical, port]; "*:*" and names → null. */
export function parseLsofEndpoint(text: string, v6: boolean): [string, number] | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText)) return null;
  const port = Number(portText);
  if (port > 65535) return null;
  let host = text.slice(0, colon);
  if (host === '*') return [v6 ? '::' : '0.0.0.0', port];
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const address = canonicalAddress(host);
  return address === null ? null : [address, port];
}

/** lsof sockets as a matchable table (owner = the LsofSocket). */
export function lsofSocketTable(sockets: readonly LsofSocket[]): SocketTable<LsofSocket> {
  const entries: SocketEntry<LsofSocket>[] = sockets.map((s) => ({
    proto: s.proto,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress ?? (s.localAddress.includes('.') ? '0.0.0.0' : '::'),
    remotePort: s.remotePort ?? 0,
    state: s.state,
    owner: s,
  }));
  return new SocketTable(entries);
}

/** The process lsof lists for the flow's local endpoint, by the shared matching rules, or null. */
export function lsofOwner(table: SocketTable<LsofSocket>, key: FlowEndpoint): LsofOwner | null {
  const m = table.match(key);
  if (m.kind !== 'owned') return null;
  const owner = pickOwner(m.owners.map((s) => ({ pid: s.pid, name: s.command, uid: s.uid, user: s.login })));
  return owner === null ? null : { pid: owner.pid, name: owner.name, uid: owner.uid, user: owner.user };
}
