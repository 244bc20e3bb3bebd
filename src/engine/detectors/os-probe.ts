import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';

/**
 * The probes of nmap's OS detection (nmap -O, "TCP/IP fingerprinting" in nmap's book), as bits.
 * Each is something no ordinary stack sends; only the distinctive ones are kept (T4 and T6 are
 * plain ACKs with window 1024 / 32768, which an ACK scan or a mid-stream segment also sends).
 */
export const OsProbe = {
  /** SEQ: SYNs with windows 1, 63, 4, 16 or 512 and an option set. */
  SEQ: 1,
  /** ECN: SYN+ECE+CWR with the reserved (NS) bit set, window 3. */
  ECN: 2,
  /** T2: no flags at all, yet TCP options. */
  T2: 4,
  /** T3: SYN+FIN+PSH+URG. */
  T3: 8,
  /** T5: SYN with window 31337. */
  T5: 16,
  /** T7: FIN+PSH+URG with window 65535 and options (an Xmas scan sends no options). */
  T7: 32,
  /** IE: ICMP echo request with a non-zero code (nmap sends code 9). */
  IE: 64,
  /** U1: UDP with 300 bytes of 'C' to a closed port. */
  U1: 128,
} as const;

export const OS_PROBE_NAMES: readonly [number, string][] = Object.entries(OsProbe).map(([name, bit]) => [bit, name]);

const F = TcpFlag;
const CORE = F.FIN | F.SYN | F.RST | F.PSH | F.ACK | F.URG;

/** The OsProbe bit this packet matches, or 0. Cheap: a few compares on decoded fields. */
export function classifyOsProbe(p: Packet): number {
  if (p.l4Offset === 0) return 0;
  const proto = p.proto;
  if (proto === IpProto.TCP) {
    const flags = p.tcpFlags;
    const core = flags & CORE;
    const win = p.tcpWindow;
    if (core === F.SYN) {
      if ((flags & (F.ECE | F.CWR)) === (F.ECE | F.CWR)) return (flags & F.NS) !== 0 || win === 3 ? OsProbe.ECN : 0;
      if (win === 31337) return OsProbe.T5;
      if ((win === 1 || win === 63 || win === 4 || win === 16 || win === 512) && p.tcpOptionsLen > 0) return OsProbe.SEQ;
      return 0;
    }
    if (core === 0) return p.tcpOptionsLen > 0 ? OsProbe.T2 : 0;
    if (core === (F.SYN | F.FIN | F.PSH | F.URG)) return OsProbe.T3;
    if (core === (F.FIN | F.PSH | F.URG) && win === 65535 && p.tcpOptionsLen > 0) return OsProbe.T7;
    return 0;
  }
  if (proto === IpProto.ICMP) return p.icmpType === 8 && p.icmpCode !== 0 ? OsProbe.IE : 0;
  if (proto === IpProto.UDP) {
    if (p.payloadLen !== 300) return 0;
    const at = p.payloadOffset;
    // The first and last captured payload bytes: 'C' (0x43) fill.
    const end = p.ipOffset + p.ipAvailable;
    const last = Math.min(at + 299, end - 1);
    return at < end && p.buf[at] === 0x43 && p.buf[last] === 0x43 ? OsProbe.U1 : 0;
  }
  return 0;
}
