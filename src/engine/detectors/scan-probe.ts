import type { ScanType } from '../../model/alert.js';
import type { CidrSet } from '../../net/cidr-set.js';
import { IpProto, TcpFlag, type Packet } from '../decode/packet.js';
import { isUnsolicitedAnswer } from './reflection-ports.js';
import { FlowEvent, type FlowTable } from '../flows/flow-table.js';

/** Probe kinds, as array indexes for per-kind counters. */
export const ProbeKind = {
  NONE: -1,
  SYN: 0,
  FIN: 1,
  NULL: 2,
  XMAS: 3,
  ACK: 4,
  MAIMON: 5,
  UDP: 6,
  /** SCTP INIT or COOKIE ECHO opening an association (nmap -sY, -sZ). */
  SCTP_INIT: 7,
} as const;

export const PROBE_KIND_COUNT = 8;

export const PROBE_KIND_SCAN_TYPE: readonly ScanType[] = ['SYN', 'FIN', 'NULL', 'XMAS', 'ACK', 'MAIMON', 'UDP', 'SCTP_INIT'];

/** SCTP chunk types that open an association: INIT, and COOKIE ECHO (which a scanner sends without one). */
const SCTP_INIT_CHUNK = 1;
const SCTP_COOKIE_ECHO_CHUNK = 10;

/** The probe kind of an SCTP packet's first chunk: INIT and COOKIE ECHO probe, answers (INIT ACK, ABORT) do not. */
export function classifySctpProbe(firstChunk: number): number {
  return firstChunk === SCTP_INIT_CHUNK || firstChunk === SCTP_COOKIE_ECHO_CHUNK ? ProbeKind.SCTP_INIT : ProbeKind.NONE;
}

const F = TcpFlag;
const CORE = F.FIN | F.SYN | F.RST | F.PSH | F.ACK | F.URG;

/**
 * Classifies the first packet of a TCP flow, sent by its originator, as nmap's probe types
 * look on the wire. ECE/CWR are ignored (SYN+ECE+CWR is ordinary ECN negotiation). Packets
 * that answer something (SYN-ACK, RST) are not probes. ACK and FIN-ACK only count without
 * payload: a mid-stream segment of a connection opened before the capture carries data.
 */
export function classifyTcpProbe(flags: number, payloadLen: number): number {
  const f = flags & CORE;
  if (f === 0) return ProbeKind.NULL;
  if ((f & F.RST) !== 0) return ProbeKind.NONE;
  if ((f & F.SYN) !== 0) return (f & F.ACK) !== 0 ? ProbeKind.NONE : ProbeKind.SYN;
  if (f === (F.FIN | F.PSH | F.URG)) return ProbeKind.XMAS;
  if (f === F.FIN) return ProbeKind.FIN;
  if (payloadLen !== 0) return ProbeKind.NONE;
  if (f === F.ACK) return ProbeKind.ACK;
  if (f === (F.FIN | F.ACK)) return ProbeKind.MAIMON;
  return ProbeKind.NONE;
}

/**
 * An operating system's own connect() sends a SYN with a full option set (MSS, SACK-permitted,
 * timestamps, window scale: 12+ bytes); a raw-socket scanner like nmap -sS sends MSS alone or
 * nothing. This is what tells a connect scan from a SYN scan before any handshake completes.
 */
export const KERNEL_SYN_MIN_OPTIONS = 12;

/** The last answer of newFlowProbeKind, by flow table, packet (PacketSummary.seq) and home net. */
let memoFlows: FlowTable | null = null;
let memoSeq = -1;
let memoHome: CidrSet | null = null;
let memoSlot = -1;
let memoKind: number = ProbeKind.NONE;

/**
 * The probe kind of this packet if it opens a new flow from its originator towards a target
 * (a home-net address when a home net is set), else ProbeKind.NONE. What every scan detector
 * counts: the first packet of each TCP/UDP conversation. Worked out once per packet: the scan
 * detectors that ask after the first get the same answer.
 */
export function newFlowProbeKind(pkt: Packet, flows: FlowTable, slot: number, homeNet: CidrSet | null): number {
  const seq = flows.shared.seq;
  if (seq === memoSeq && flows === memoFlows && homeNet === memoHome && slot === memoSlot) return memoKind;
  const kind = probeKindOf(pkt, flows, slot, homeNet);
  memoFlows = flows;
  memoSeq = seq;
  memoHome = homeNet;
  memoSlot = slot;
  memoKind = kind;
  return kind;
}

function probeKindOf(pkt: Packet, flows: FlowTable, slot: number, homeNet: CidrSet | null): number {
  if (slot < 0 || pkt.l4Offset === 0 || (flows.lastEvents & FlowEvent.NEW) === 0 || !flows.lastFromOrig) return ProbeKind.NONE;
  let kind: number = ProbeKind.NONE;
  if (pkt.proto === IpProto.TCP) kind = classifyTcpProbe(pkt.tcpFlags, pkt.payloadLen);
  else if (pkt.proto === IpProto.UDP && !isUnsolicitedAnswer(pkt.srcPort, pkt.buf, pkt.payloadOffset, pkt.payloadLen)) kind = ProbeKind.UDP;
  else if (pkt.proto === IpProto.SCTP) kind = classifySctpProbe(pkt.sctpChunk);
  if (kind === ProbeKind.NONE) return kind;
  if (homeNet !== null && !homeNet.has(pkt.dst0, pkt.dst1, pkt.dst2, pkt.dst3)) return ProbeKind.NONE;
  return kind;
}
