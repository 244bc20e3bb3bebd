/**
 * Windows adapter: parsers of `netstat -ano`, of
 * `Get-NetTCPConnection | Select-Object LocalAddress,LocalPort,RemoteAddress,RemotePort,State,OwningProcess | ConvertTo-Csv -NoTypeInformation`
 * (and `Get-NetUDPEndpoint` the same way), and of `tasklist /FO CSV /NH` for process names.
 *
 * None of these can run here (the project's machines are Linux and the command runner comes
 * with the platform exec wrapper later), so only pure parsers are provided, tested on sample
 * outputs written after the tools' documented formats.
 *
 * netstat's headers and TCP state words are translated on non-English Windows ("ABHÖREN",
 * "HERGESTELLT"), so rows are recognised by their shape (`TCP|UDP local foreign [state] pid`),
 * and a TCP socket is taken as listening from its foreign address (port 0), not from the word.
 * PID 0 ("System Idle Process") is what Windows shows for TIME_WAIT: no owner.
 */
import { canonicalAddress, SocketTable, type FlowEndpoint, type SocketEntry, type SocketState } from './socket-table.js';

export interface WindowsSocket {
  proto: 'tcp' | 'udp';
  localAddress: string;
  localPort: number;
  /** null for UDP (`*:*`) and listening TCP. */
  remoteAddress: string | null;
  remotePort: number | null;
  state: SocketState;
  /** null when Windows reports pid 0 (TIME_WAIT, no owner). */
  pid: number | null;
}

const ENGLISH_STATES: Record<string, SocketState> = {
  LISTENING: 'LISTEN',
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYNSENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECV',
  SYNRECEIVED: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FINWAIT1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  FINWAIT2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  TIMEWAIT: 'TIME_WAIT',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  CLOSEWAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LASTACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  BOUND: 'BOUND',
  DELETETCB: 'CLOSE',
};

/** MSFT_NetTCPConnection.State numbers, for CSV that carries them instead of names. */
const CIM_STATES: Record<string, SocketState> = {
  '1': 'CLOSE',
  '2': 'LISTEN',
  '3': 'SYN_SENT',
  '4': 'SYN_RECV',
  '5': 'ESTABLISHED',
  '6': 'FIN_WAIT1',
  '7': 'FIN_WAIT2',
  '8': 'CLOSE_WAIT',
  '9': 'CLOSING',
  '10': 'LAST_ACK',
  '11': 'TIME_WAIT',
  '12': 'CLOSE',
  '100': 'BOUND',
};

/** "0.0.0.0:135", "[::]:445", "[fe80::1%12]:5353" → [canonical, port]; "*:*" → null. */
export function parseWindowsEndpoint(text: string): [string, number] | null {
  const colon = text.lastIndexOf(':');
  if (colon <= 0) return null;
  const portText = text.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  let host = text.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const address = canonicalAddress(host);
  return address === null ? null : [address, Number(portText)];
}

const NETSTAT_ROW = /^\s*(TCP|UDP)\s+(\S+)\s+(\S+)\s+(?:(\S+)\s+)?(\d+)\s*$/i;

export function parseNetstatAno(text: string): WindowsSocket[] {
  const out: WindowsSocket[] = [];
  for (const line of text.split(/\r?\n/)) {
    const m = NETSTAT_ROW.exec(line);
    if (!m) continue;
    const proto = m[1]!.toLowerCase() === 'tcp' ? 'tcp' : 'udp';
    const local = parseWindowsEndpoint(m[2]!);
    if (local === null) continue;
    const foreign = m[3] === '*:*' ? null : parseWindowsEndpoint(m[3]!);
    if (foreign === null && m[3] !== '*:*') continue;
    const pid = Number(m[5]);
    const word = m[4]?.toUpperCase() ?? '';
    let state: SocketState;
    let remote = foreign;
    if (proto === 'tcp') {
      if (foreign === null || foreign[1] === 0) {
        state = 'LISTEN';
        remote = null;
      } else state = ENGLISH_STATES[word] ?? 'UNKNOWN';
    } else {
      state = 'CLOSE';
    }
    out.push({
      proto,
      localAddress: local[0],
      localPort: local[1],
      remoteAddress: remote?.[0] ?? null,
      remotePort: remote?.[1] ?? null,
      state,
      pid: pid === 0 ? null : pid,
    });
  }
  return out;
}

/** One CSV line (RFC 4180 quoting, as ConvertTo-Csv and tasklist write it) → cells. */
export function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"') {
        if (line[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells;
}

/**
 * CSV from Get-NetTCPConnection (proto 'tcp') or Get-NetUDPEndpoint (proto 'udp') through
 * ConvertTo-Csv. Columns are found by header name, so extra columns and any order are fine;
 * a leading `#TYPE …` line (Windows PowerShell 5.1 without -NoTypeInformation) is skipped.
 */
export function parseNetConnectionCsv(text: string, proto: 'tcp' | 'udp'): WindowsSocket[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0 && !l.startsWith('#'));
  const header = lines.shift();
  if (header === undefined) return [];
  const cols = parseCsvLine(header).map((h) => h.trim().toLowerCase());
  const col = (name: string) => cols.indexOf(name.toLowerCase());
  const iLocal = col('LocalAddress');
  const iLocalPort = col('LocalPort');
  const iRemote = col('RemoteAddress');
  const iRemotePort = col('RemotePort');
  const iState = col('State');
  const iPid = col('OwningProcess');
  if (iLocal < 0 || iLocalPort < 0 || iPid < 0) return [];
  const out: WindowsSocket[] = [];
  for (const line of lines) {
    const cells = parseCsvLine(line);
    const local = canonicalAddress(cells[iLocal] ?? '');
    const localPort = toPort(cells[iLocalPort]);
    const pidText = cells[iPid] ?? '';
    if (local === null || localPort === null || !/^\d+$/.test(pidText)) continue;
    let remote: string | null = null;
    let remotePort: number | null = null;
    if (iRemote >= 0 && iRemotePort >= 0) {
      remote = canonicalAddress(cells[iRemote] ?? '');
      remotePort = toPort(cells[iRemotePort]);
      if (remote === null || remotePort === null) continue;
    }
    const stateText = iState >= 0 ? (cells[iState] ?? '').trim() : '';
    let state: SocketState;
    if (proto === 'udp') state = 'CLOSE';
    else state = CIM_STATES[stateText] ?? ENGLISH_STATES[stateText.toUpperCase()] ?? 'UNKNOWN';
    if (proto === 'tcp' && (state === 'LISTEN' || state === 'BOUND' || remotePort === 0)) {
      remote = null;
      remotePort = null;
      if (state !== 'BOUND') state = 'LISTEN';
    }
    const pid = Number(pidText);
    out.push({ proto, localAddress: local, localPort, remoteAddress: remote, remotePort, state, pid: pid === 0 ? null : pid });
  }
  return out;
}

function toPort(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text.trim())) return null;
  const n = Number(text);
  return n <= 65535 ? n : null;
}

/** `tasklist /FO CSV /NH` → pid → image name ("svchost.exe"). */
export function parseTasklistCsv(text: string): Map<number, string> {
  const names = new Map<number, string>();
  for (const line of text.split(/\r?\n/)) {
    if (line.trim().length === 0) continue;
    const cells = parseCsvLine(line);
    const pid = cells[1];
    if (cells[0] === undefined || pid === undefined || !/^\d+$/.test(pid)) continue; // also skips a header row
    names.set(Number(pid), cells[0]);
  }
  return names;
}

export function windowsSocketTable(sockets: readonly WindowsSocket[]): SocketTable<number> {
  const entries: SocketEntry<number>[] = sockets.map((s) => ({
    proto: s.proto,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress ?? (s.localAddress.includes('.') ? '0.0.0.0' : '::'),
    remotePort: s.remotePort ?? 0,
    state: s.state,
    owner: s.pid,
  }));
  return new SocketTable(entries);
}

/** The pid that owns the flow's local endpoint, by the shared matching rules; null when unknown or ambiguous. */
export function windowsOwnerPid(table: SocketTable<number>, key: FlowEndpoint): number | null {
  const m = table.match(key);
  return m.kind === 'owned' && m.owners.length === 1 ? m.owners[0]! : null;
}
