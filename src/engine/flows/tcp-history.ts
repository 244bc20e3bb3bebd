import type { ConnState } from '../../model/flow-summary.js';
/**
 * What a TCP flow has seen, one bit each, in the spirit of Zeek's conn history. The connection
 * state is derived from these bits on demand instead of being stored per packet.
 */
export const TcpHistory = {
  ORIG_SYN: 1 << 0,
  RESP_SYN_ACK: 1 << 1,
  /** The originator acknowledged the responder's SYN-ACK: the three-way handshake completed. */
  ESTABLISHED: 1 << 2,
  ORIG_FIN: 1 << 3,
  RESP_FIN: 1 << 4,
  ORIG_RST: 1 << 5,
  RESP_RST: 1 << 6,
  ORIG_DATA: 1 << 7,
  RESP_DATA: 1 << 8,
} as const;


const H = TcpHistory;

export function tcpConnState(h: number): ConnState {
  const syn = (h & H.ORIG_SYN) !== 0;
  const synAck = (h & H.RESP_SYN_ACK) !== 0;
  const established = (h & H.ESTABLISHED) !== 0;
  const origFin = (h & H.ORIG_FIN) !== 0;
  const respFin = (h & H.RESP_FIN) !== 0;
  if (h & H.ORIG_RST) {
    if (syn && !synAck) return 'RSTOS0';
    return syn || established ? 'RSTO' : 'OTH';
  }
  if (h & H.RESP_RST) {
    if (syn && !synAck) return 'REJ';
    if (synAck && !syn) return 'RSTRH';
    return syn || established ? 'RSTR' : 'OTH';
  }
  if (!syn && !synAck) return 'OTH';
  if (origFin && respFin) return established || (syn && synAck) ? 'SF' : 'OTH';
  if (origFin) {
    if (syn && !synAck) return 'SH';
    return 'S2';
  }
  if (respFin) {
    if (synAck && !syn) return 'SHR';
    return 'S3';
  }
  if (syn && !synAck) return 'S0';
  return 'S1';
}

/** UDP, ICMP and others have no handshake: a reply or none. */
export function datagramConnState(respPackets: number): ConnState {
  return respPackets > 0 ? 'SF' : 'S0';
}
