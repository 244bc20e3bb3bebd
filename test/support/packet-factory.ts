import { LinkType } from '../../src/engine/capture/link-type.js';
import { decodeFrame } from '../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../src/engine/decode/malformed.js';
import { IpProto, Packet } from '../../src/engine/decode/packet.js';
import { icmp, ipv4, ipv6, tcp, udp, type TcpSpec } from './frame-builder.js';

/** Decoded packets for flow and detector unit tests (raw IP link type, one Packet per call). */
export function tcpPacket(src: string, dst: string, spec: TcpSpec, tsMicros: number): Packet {
  const seg = tcp(spec);
  const frame = src.includes(':') ? ipv6(src, dst, IpProto.TCP, seg) : ipv4({ src, dst, proto: IpProto.TCP }, seg);
  return decoded(frame, tsMicros);
}

export function udpPacket(src: string, dst: string, srcPort: number, dstPort: number, tsMicros: number, payload?: Buffer): Packet {
  const dgram = udp({ srcPort, dstPort, ...(payload ? { payload } : {}) });
  const frame = src.includes(':') ? ipv6(src, dst, IpProto.UDP, dgram) : ipv4({ src, dst, proto: IpProto.UDP }, dgram);
  return decoded(frame, tsMicros);
}

function decoded(frame: Buffer, tsMicros: number): Packet {
  const pkt = new Packet();
  decodeFrame(pkt, frame, 0, frame.length, frame.length, tsMicros, LinkType.RAW, new MalformedCounters());
  return pkt;
}

export function icmpPacket(src: string, dst: string, type: number, code: number, tsMicros: number): Packet {
  const msg = icmp(type, code);
  const frame = src.includes(':') ? ipv6(src, dst, IpProto.ICMPV6, msg) : ipv4({ src, dst, proto: IpProto.ICMP }, msg);
  return decoded(frame, tsMicros);
}

/** An IP packet of any protocol number with 8 zero bytes of payload (nmap -sO's probes look like this). */
export function ipPacket(src: string, dst: string, proto: number, tsMicros: number): Packet {
  const body = Buffer.alloc(8);
  const frame = src.includes(':') ? ipv6(src, dst, proto, body) : ipv4({ src, dst, proto }, body);
  return decoded(frame, tsMicros);
}
