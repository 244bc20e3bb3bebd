/**
 * Classic libpcap file format as we write it: little-endian, magic 0xa1b2c3d4 (microsecond
 * timestamps), version 2.4, snaplen FORENSIC_SNAPLEN, one link type per file.
 */
import { FORENSIC_SNAPLEN } from './frame-ring.js';

export const PCAP_FILE_HEADER_BYTES = 24;
export const PCAP_RECORD_HEADER_BYTES = 16;

export function writePcapFileHeader(out: Buffer, pos: number, linkType: number): number {
  out.writeUInt32LE(0xa1b2c3d4, pos);
  out.writeUInt16LE(2, pos + 4);
  out.writeUInt16LE(4, pos + 6);
  out.writeInt32LE(0, pos + 8); // thiszone
  out.writeUInt32LE(0, pos + 12); // sigfigs
  out.writeUInt32LE(FORENSIC_SNAPLEN, pos + 16);
  out.writeUInt32LE(linkType >>> 0, pos + 20);
  return pos + PCAP_FILE_HEADER_BYTES;
}

/** Writes one record header; `tsMicros` before 1970 or past 2106 is clamped to the format's range. */
export function writePcapRecordHeader(out: DataView, pos: number, tsMicros: number, capLen: number, wireLen: number): number {
  let sec = Math.floor(tsMicros / 1e6);
  let usec = Math.round(tsMicros - sec * 1e6);
  if (usec >= 1_000_000) {
    sec += 1;
    usec -= 1_000_000;
  }
  if (!(sec >= 0)) {
    sec = 0;
    usec = 0;
  } else if (sec > 0xffffffff) {
    sec = 0xffffffff;
    usec = 999_999;
  }
  out.setUint32(pos, sec, true);
  out.setUint32(pos + 4, usec, true);
  out.setUint32(pos + 8, capLen, true);
  out.setUint32(pos + 12, wireLen, true);
  return pos + PCAP_RECORD_HEADER_BYTES;
}
