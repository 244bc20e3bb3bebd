import { parseAddress } from '../../net/address.js';
import { IpProto, type Packet } from '../decode/packet.js';

/** One TCP connection of this host, both ends: the SSH session a UI is drawn through. */
export interface SessionEndpoints {
  local: string;
  localPort: number;
  peer: string;
  peerPort: number;
}

/** `SSH_CONNECTION` is "client-address client-port server-address server-port". */
export function parseSshConnection(value: string | undefined | null): SessionEndpoints | null {
  if (value == null) return null;
  const parts = value.trim().split(/\s+/);
  if (parts.length !== 4) return null;
  const [peer, peerPortText, local, localPortText] = parts as [string, string, string, string];
  const peerPort = Number(peerPortText);
  const localPort = Number(localPortText);
  if (!isPort(peerPort) || !isPort(localPort) || parseAddress(peer) === null || parseAddress(local) === null) return null;
  return { local, localPort, peer, peerPort };
}

function isPort(n: number): boolean {
  return Number.isInteger(n) && n > 0 && n <= 65_535;
}

export function describeSession(s: SessionEndpoints): string {
  const end = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
  return `${end(s.peer, s.peerPort)} → ${end(s.local, s.localPort)}`;
}

/**
 * The UI's own connections, matched on the packet path: four address words and a port per end,
 * compared in both directions. A handful of entries at most, so a loop is the fastest lookup.
 */
export class OwnSessions {
  private words = new Uint32Array(0);
  private ports = new Uint32Array(0);
  private list: SessionEndpoints[] = [];

  get sessions(): readonly SessionEndpoints[] {
    return this.list;
  }

  set(sessions: readonly SessionEndpoints[]): void {
    const unique = new Map<string, SessionEndpoints>();
    for (const s of sessions) unique.set(`${s.local}|${s.localPort}|${s.peer}|${s.peerPort}`, s);
    this.list = [...unique.values()];
    this.words = new Uint32Array(this.list.length * 8);
    this.ports = new Uint32Array(this.list.length * 2);
    this.list.forEach((s, i) => {
      this.words.set(parseAddress(s.local)!, i * 8);
      this.words.set(parseAddress(s.peer)!, i * 8 + 4);
      this.ports[i * 2] = s.localPort;
      this.ports[i * 2 + 1] = s.peerPort;
    });
  }

  matches(p: Packet): boolean {
    const n = this.list.length;
    if (n === 0 || p.proto !== IpProto.TCP) return false;
    const w = this.words;
    for (let i = 0; i < n; i++) {
      const b = i * 8;
      const lp = this.ports[i * 2]!;
      const pp = this.ports[i * 2 + 1]!;
      if (p.srcPort === lp && p.dstPort === pp && p.src0 === w[b] && p.src1 === w[b + 1] && p.src2 === w[b + 2] && p.src3 === w[b + 3] && p.dst0 === w[b + 4] && p.dst1 === w[b + 5] && p.dst2 === w[b + 6] && p.dst3 === w[b + 7]) return true;
      if (p.dstPort === lp && p.srcPort === pp && p.dst0 === w[b] && p.dst1 === w[b + 1] && p.dst2 === w[b + 2] && p.dst3 === w[b + 3] && p.src0 === w[b + 4] && p.src1 === w[b + 5] && p.src2 === w[b + 6] && p.src3 === w[b + 7]) return true;
    }
    return false;
  }

  /** The same test on addresses as text (flows of a snapshot). */
  matchesEnds(proto: number, a: string, aPort: number, b: string, bPort: number): boolean {
    if (proto !== IpProto.TCP) return false;
    for (const s of this.list) {
      if (aPort === s.localPort && bPort === s.peerPort && sameAddress(a, s.local) && sameAddress(b, s.peer)) return true;
      if (bPort === s.localPort && aPort === s.peerPort && sameAddress(b, s.local) && sameAddress(a, s.peer)) return true;
    }
    return false;
  }
}

function sameAddress(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseAddress(a);
  const y = parseAddress(b);
  return x !== null && y !== null && x[0] === y[0] && x[1] === y[1] && x[2] === y[2] && x[3] === y[3];
}
