/**
 * IP fragments of a datagram, as a host (or a scanner) would cut them: for the defragmenter's
 * unit tests, its fuzz target and the pipeline tests. Offsets and lengths are in bytes of the
 * datagram's payload (after the IPv4 header or the IPv6 header chain).
 */
import { LinkType } from '../../src/engine/capture/link-type.js';
import { decodeFrame } from '../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../src/engine/decode/malformed.js';
import { Packet } from '../../src/engine/decode/packet.js';

export interface Piece {
  offset: number;
  length: number;
  /** Default: whether bytes follow this piece in the datagram. */
  more?: boolean;
  /** Bytes to send instead of the datagram's own (an overlap with other content). */
  bytes?: Buffer;
}

/** One IPv4 fragment of `datagram` (a whole IPv4 packet with its header). */
export function ipv4Fragment(datagram: Buffer, piece: Piece, id = 0x1234): Buffer {
  const ihl = (datagram[0]! & 0x0f) * 4;
  const payload = datagram.subarray(ihl);
  const data = piece.bytes ?? payload.subarray(piece.offset, piece.offset + piece.length);
  const more = piece.more ?? piece.offset + data.length < payload.length;
  const f = Buffer.alloc(ihl + data.length);
  datagram.copy(f, 0, 0, ihl);
  f.writeUInt16BE(f.length, 2);
  f.writeUInt16BE(id, 4);
  f.writeUInt16BE(((more ? 1 : 0) << 13) | (piece.offset >> 3), 6);
  data.copy(f, ihl);
  return f;
}

/** One IPv6 fragment of `datagram` (a whole IPv6 packet without extension headers). */
export function ipv6Fragment(datagram: Buffer, piece: Piece, id = 0x12345678): Buffer {
  const payload = datagram.subarray(40);
  const data = piece.bytes ?? payload.subarray(piece.offset, piece.offset + piece.length);
  const more = piece.more ?? piece.offset + data.length < payload.length;
  const f = Buffer.alloc(48 + data.length);
  datagram.copy(f, 0, 0, 40);
  f[6] = 44; // Fragment
  f.writeUInt16BE(8 + data.length, 4);
  f[40] = datagram[6]!; // the fragment header names the payload's protocol
  f.writeUInt16BE((piece.offset & 0xfff8) | (more ? 1 : 0), 42);
  f.writeUInt32BE(id >>> 0, 44);
  data.copy(f, 48);
  return f;
}

/** Cuts the datagram's payload into pieces of `size` bytes (a multiple of 8), in order. */
export function cut(datagram: Buffer, size: number): Piece[] {
  const v6 = datagram[0]! >> 4 === 6;
  const len = datagram.length - (v6 ? 40 : (datagram[0]! & 0x0f) * 4);
  const pieces: Piece[] = [];
  for (let o = 0; o < len; o += size) pieces.push({ offset: o, length: Math.min(size, len - o) });
  return pieces;
}

export function fragment(datagram: Buffer, piece: Piece, id?: number): Buffer {
  return datagram[0]! >> 4 === 6 ? ipv6Fragment(datagram, piece, id) : ipv4Fragment(datagram, piece, id);
}

/** A raw-IP frame decoded into a fresh Packet at `tsMicros` (snapCut when capLen < the frame). */
export function decodeRaw(frame: Buffer, tsMicros: number, capLen = frame.length, into = new Packet(), counters = new MalformedCounters()): Packet {
  decodeFrame(into, frame, 0, capLen, frame.length, tsMicros, LinkType.RAW, counters);
  return into;
}
