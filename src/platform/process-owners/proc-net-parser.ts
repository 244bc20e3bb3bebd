/**
 * Parser of the Linux socket tables /proc/net/{tcp,tcp6,udp,udp6,raw,raw6}.
 *
 *   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode …
 *    1: 0100007F:BBD0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 174455 …
 *
 * Addresses are the kernel's in-memory bytes printed as 32-bit words in *host* byte order
 * ("%08X" of each __be32): on little-endian machines (x86, arm64) 127.0.0.1 reads 0100007F and
 * each of IPv6's four words is byte-swapped. Ports are plain hex. `st` is the TCP state (UDP uses
 * 07 for unconnected, 01 for connected). `inode` is 0 when no file holds the socket: TIME_WAIT,
 * orphaned FIN_WAIT…, request sockets and connections not yet accepted.
 */
import { endianness } from 'node:os';
import { formatAddress } from '../../net/address.js';
import type { SocketEntry, SocketProto, SocketState } from './socket-table.js';

export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

const TCP_STATES: Record<number, SocketState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'SYN_RECV', // TCP_NEW_SYN_RECV (the kernel prints it as 03, but be safe)
};

export interface ProcNetEntry extends SocketEntry<number> {
  /** Socket owner's uid as the kernel records it. */
  uid: number;
  /** Socket inode (0 → owner null). */
  inode: number;
}

export interface ProcNetParse {
  entries: ProcNetEntry[];
  /** Lines that did not parse (a header is not counted). */
  malformed: number;
}

export function byteSwap32(x: number): number {
  return (((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24)) >>> 0;
}

const HEX8 = /^[0-9A-Fa-f]{8}$/;
const HEX32 = /^[0-9A-Fa-f]{32}$/;
const HEX_PORT = /^[0-9A-Fa-f]{4}$/;

/** "0100007F" (IPv4) or 32 hex digits (IPv6) → canonical address text, or null. */
export function decodeProcAddress(hex: string, littleEndian = HOST_LITTLE_ENDIAN): string | null {
  const word = (s: string) => {
    const v = parseInt(s, 16) >>> 0;
    return littleEndian ? byteSwap32(v) : v;
  };
  if (HEX8.test(hex)) return formatAddress(0, 0, 0xffff, word(hex));
  if (HEX32.test(hex)) return formatAddress(word(hex.slice(0, 8)), word(hex.slice(8, 16)), word(hex.slice(16, 24)), word(hex.slice(24, 32)));
  return null;
}

/** "ADDR:PORT" → [canonical address, port], or null. */
function decodeEndpoint(field: string, littleEndian: boolean): [string, number] | null {
  const colon = field.indexOf(':');
  if (colon < 0) return null;
  const port = field.slice(colon + 1);
  if (!HEX_PORT.test(port)) return null;
  const address = decodeProcAddress(field.slice(0, colon), littleEndian);
  return address === null ? null : [address, parseInt(port, 16)];
}

/** Parses one /proc/net table. `proto` is the file's family: tcp for tcp and tcp6, and so on. */
export function parseProcNet(text: string, proto: SocketProto, littleEndian = HOST_LITTLE_ENDIAN): ProcNetParse {
  const entries: ProcNetEntry[] = [];
  let malformed = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line.length === 0 || line.startsWith('sl')) continue;
    const entry = parseLine(line, proto, littleEndian);
    if (entry === null) malformed++;
    else entries.push(entry);
  }
  return { entries, malformed };
}

function parseLine(line: string, proto: SocketProto, littleEndian: boolean): ProcNetEntry | null {
  const f = line.split(/\s+/);
  if (f.length < 10 || !/^\d+:$/.test(f[0]!)) return null;
  const local = decodeEndpoint(f[1]!, littleEndian);
  const remote = decodeEndpoint(f[2]!, littleEndian);
  if (local === null || remote === null) return null;
  if (!/^[0-9A-Fa-f]{2}$/.test(f[3]!)) return null;
  const st = parseInt(f[3]!, 16);
  if (!/^\d+$/.test(f[7]!) || !/^\d+$/.test(f[9]!)) return null;
  const uid = Number(f[7]);
  const inode = Number(f[9]);
  let state: SocketState = TCP_STATES[st] ?? 'UNKNOWN';
  if (proto !== 'tcp') state = st === 0x01 ? 'ESTABLISHED' : st === 0x07 ? 'CLOSE' : 'UNKNOWN';
  return {
    proto,
    localAddress: local[0],
    localPort: local[1],
    remoteAddress: remote[0],
    remotePort: remote[1],
    state,
    owner: inode === 0 ? null : inode,
    uid,
    inode,
  };
}
