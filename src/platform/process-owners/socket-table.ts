/**
 * A platform-neutral table of sockets and the rules that pick the entry owning a flow's local
 * endpoint. Linux fills it from /proc/net/* (owner = socket inode), macOS from lsof and Windows
 * from netstat (owner = pid).
 *
 * Matching, most specific first:
 *  1. the exact 4-tuple (connected TCP and UDP sockets);
 *  2. the listening TCP socket / unconnected UDP socket on the local address and port;
 *  3. the same on a wildcard local address with the same port: 0.0.0.0 then :: for IPv4
 *     (a dual-stack :: listener takes IPv4 too), :: for IPv6.
 * An exact TCP entry without an owner ends the search with "unknown" when the connection is
 * over (TIME_WAIT, FIN_WAIT2 … — the process has closed it), but falls through to the listener
 * when it is still in the listener's accept queue (SYN_RECV, or ESTABLISHED not yet accepted):
 * the process that will accept it is the one holding the listening socket.
 * Addresses are compared in canonical text form (src/net/address.ts), so ::ffff:10.0.0.1 and
 * 10.0.0.1 are the same address.
 */
import { formatAddress, parseAddress } from '../../net/address.js';

export type SocketProto = 'tcp' | 'udp' | 'raw';

export type SocketState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'BOUND'
  | 'UNKNOWN';

export interface SocketEntry<O> {
  proto: SocketProto;
  /** Canonical text (dotted quad for IPv4 and IPv4-mapped, RFC 5952 for IPv6). */
  localAddress: string;
  localPort: number;
  /** Canonical text; the wildcard (0.0.0.0 or ::) with port 0 when unconnected. */
  remoteAddress: string;
  remotePort: number;
  state: SocketState;
  /** Who holds it (inode, pid …), or null when nobody does (Linux inode 0, Windows pid 0). */
  owner: O | null;
}

export interface FlowEndpoint {
  proto: SocketProto;
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
}

export type SocketMatch<O> =
  | { kind: 'owned'; level: 'exact' | 'local' | 'wildcard'; owners: O[] }
  /** The exact connection is there but nobody holds it any more (TIME_WAIT …): unknown, do not rescan. */
  | { kind: 'ownerless'; state: SocketState }
  | { kind: 'none' };

/** Canonical text of an address, or null when it does not parse. */
export function canonicalAddress(text: string): string | null {
  const w = parseAddress(text);
  return w === null ? null : formatAddress(w[0], w[1], w[2], w[3]);
}

function isPort(n: unknown): n is number {
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535;
}

/** Not yet accepted: the connection belongs to the listener's queue. */
const ACCEPT_QUEUE_STATES: ReadonlySet<SocketState> = new Set(['SYN_RECV', 'ESTABLISHED']);

export class SocketTable<O> {
  private readonly byTuple = new Map<string, SocketEntry<O>[]>();
  /** Listening TCP and unconnected UDP/raw sockets by proto|local|port. */
  private readonly byLocal = new Map<string, SocketEntry<O>[]>();
  readonly size: number;

  constructor(entries: Iterable<SocketEntry<O>>) {
    let n = 0;
    for (const e of entries) {
      n++;
      push(this.byTuple, `${e.proto}|${e.localAddress}|${e.localPort}|${e.remoteAddress}|${e.remotePort}`, e);
      if (e.owner !== null && (e.proto === 'tcp' ? e.state === 'LISTEN' : e.remotePort === 0)) {
        push(this.byLocal, `${e.proto}|${e.localAddress}|${e.localPort}`, e);
      }
    }
    this.size = n;
  }

  /** The owners of the socket that handles `key`, by the rules in the file comment. */
  match(key: FlowEndpoint): SocketMatch<O> {
    if (!isPort(key.localPort)) return { kind: 'none' };
    const local = canonicalAddress(key.localAddress);
    if (local === null) return { kind: 'none' };
    if (key.remoteAddress !== null && key.remotePort !== null) {
      const remote = canonicalAddress(key.remoteAddress);
      if (remote === null || !isPort(key.remotePort)) return { kind: 'none' };
      const exact = this.byTuple.get(`${key.proto}|${local}|${key.localPort}|${remote}|${key.remotePort}`);
      if (exact !== undefined) {
        const owners = uniqueOwners(exact);
        if (owners.length > 0) return { kind: 'owned', level: 'exact', owners };
        const first = exact[0]!;
        if (key.proto !== 'tcp' || !exact.every((e) => ACCEPT_QUEUE_STATES.has(e.state))) {
          return { kind: 'ownerless', state: first.state };
        }
      }
    }
    const atLocal = this.byLocal.get(`${key.proto}|${local}|${key.localPort}`);
    if (atLocal !== undefined) return { kind: 'owned', level: 'local', owners: uniqueOwners(atLocal) };
    const wildcards = local.includes('.') ? ['0.0.0.0', '::'] : ['::'];
    for (const w of wildcards) {
      if (w === local) continue;
      const atWildcard = this.byLocal.get(`${key.proto}|${w}|${key.localPort}`);
      if (atWildcard !== undefined) return { kind: 'owned', level: 'wildcard', owners: uniqueOwners(atWildcard) };
    }
    return { kind: 'none' };
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function uniqueOwners<O>(entries: readonly SocketEntry<O>[]): O[] {
  const out: O[] = [];
  for (const e of entries) if (e.owner !== null && !out.includes(e.owner)) out.push(e.owner);
  return out;
}

export interface OwnerCandidate {
  pid: number;
  name: string;
  uid: number | null;
}

/**
 * One answer from several candidate owners, without guessing between programs: one pid → it;
 * several pids of the same program (same name and uid: a pre-forked server's workers sharing a
 * socket, SO_REUSEPORT listeners) → the lowest pid, usually the parent that opened it;
 * different programs → null (ambiguous, "unknown").
 */
export function pickOwner<C extends OwnerCandidate>(candidates: readonly C[]): C | null {
  if (candidates.length === 0) return null;
  let best = candidates[0]!;
  for (const c of candidates) {
    if (c.name !== best.name || c.uid !== best.uid) return null;
    if (c.pid < best.pid) best = c;
  }
  return best;
}
