/**
 * Classic libpcap files: a 24-byte global header, then records of a 16-byte header
 * (ts_sec, ts_usec|ts_nsec, incl_len, orig_len) and incl_len bytes of frame.
 * Magic 0xa1b2c3d4 = microsecond timestamps, 0xa1b23c4d = nanosecond; the byte order in which
 * the magic reads correctly is the byte order of the whole file.
 */
import type { PacketSink } from '../packet-source.js';
import { SourceOpenError } from '../packet-source.js';
import {
  BATCH_RECORDS,
  ParseStatus,
  type CaptureFormatParser,
  type ParseRun,
  type ParseStatusCode,
} from './file-packet-source.js';

export const PCAP_MAGIC_MICROS = 0xa1b2c3d4;
export const PCAP_MAGIC_NANOS = 0xa1b23c4d;
export const PCAP_GLOBAL_HEADER_BYTES = 24;
const RECORD_HEADER_BYTES = 16;

/** A record is never larger than this, whatever the snaplen claims (libpcap's own ceiling). */
export const PCAP_MIN_RECORD_LIMIT = 262_144;
/** Larger than any real frame on any link: a length above it means a corrupt file. */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

export interface PcapHeader {
  littleEndian: boolean;
  nanos: boolean;
  versionMajor: number;
  versionMinor: number;
  snaplen: number;
  linkType: number;
  /** Raw last header field: link type in the low 16 bits, FCS information above. */
  linkTypeField: number;
}

/** Which pcap variant a 4-byte magic is, or null. */
export function pcapMagicKind(b0: number, b1: number, b2: number, b3: number): { littleEndian: boolean; nanos: boolean } | null {
  const be = ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  const le = ((b3 << 24) | (b2 << 16) | (b1 << 8) | b0) >>> 0;
  if (be === PCAP_MAGIC_MICROS) return { littleEndian: false, nanos: false };
  if (be === PCAP_MAGIC_NANOS) return { littleEndian: false, nanos: true };
  if (le === PCAP_MAGIC_MICROS) return { littleEndian: true, nanos: false };
  if (le === PCAP_MAGIC_NANOS) return { littleEndian: true, nanos: true };
  return null;
}

/** Parses the global header at `buf[pos]`; throws SourceOpenError (one line) if it is unusable. */
export function parsePcapHeader(path: string, buf: Buffer, pos: number, available: number): PcapHeader {
  const kind = available >= 4 ? pcapMagicKind(buf[pos]!, buf[pos + 1]!, buf[pos + 2]!, buf[pos + 3]!) : null;
  if (kind === null) throw new SourceOpenError(`not a pcap file: ${path}`);
  if (available < PCAP_GLOBAL_HEADER_BYTES) {
    throw new SourceOpenError(
      `truncated pcap file header: ${path} (${available} of ${PCAP_GLOBAL_HEADER_BYTES} bytes)`,
    );
  }
  const le = kind.littleEndian;
  const u16 = (o: number): number => (le ? buf.readUInt16LE(pos + o) : buf.readUInt16BE(pos + o));
  const u32 = (o: number): number => (le ? buf.readUInt32LE(pos + o) : buf.readUInt32BE(pos + o));
  const versionMajor = u16(4);
  const versionMinor = u16(6);
  if (versionMajor !== 2) {
    throw new SourceOpenError(`unsupported pcap version ${versionMajor}.${versionMinor}: ${path} (only 2.x is defined)`);
  }
  const linkTypeField = u32(20);
  return {
    littleEndian: le,
    nanos: kind.nanos,
    versionMajor,
    versionMinor,
    snaplen: u32(16),
    linkType: linkTypeField & 0xffff,
    linkTypeField,
  };
}

export class PcapParser implements CaptureFormatParser {
  private readonly limit: number;
  private readonly tsFracScale: number;

  /** `header` was parsed from the first 24 bytes; the caller has already consumed them. */
  constructor(readonly header: PcapHeader) {
    this.limit = Math.min(MAX_RECORD_BYTES, Math.max(header.snaplen, PCAP_MIN_RECORD_LIMIT));
    this.tsFracScale = header.nanos ? 1000 : 1;
  }

  dropped(): null {
    return null;
  }

  parse(run: ParseRun, sink: PacketSink): ParseStatusCode {
    const file = run.file;
    const buf = file.buf;
    const view = file.view;
    const end = file.end;
    const le = this.header.littleEndian;
    const linkType = this.header.linkType;
    const limit = this.limit;
    const fracScale = this.tsFracScale;
    const pacer = run.pacer;
    let pos = file.pos;
    let budget = BATCH_RECORDS;

    for (;;) {
      const avail = end - pos;
      if (avail < RECORD_HEADER_BYTES) {
        file.pos = pos;
        if (!file.eof) {
          run.need = RECORD_HEADER_BYTES;
          return ParseStatus.NeedMore;
        }
        if (avail === 0) return ParseStatus.Eof;
        run.error = `truncated packet record header at offset ${file.base + pos} (${avail} of ${RECORD_HEADER_BYTES} bytes)`;
        return ParseStatus.Error;
      }
      const sec = view.getUint32(pos, le);
      const frac = view.getUint32(pos + 4, le);
      const incl = view.getUint32(pos + 8, le);
      const orig = view.getUint32(pos + 12, le);
      if (incl > limit) {
        file.pos = pos;
        run.error =
          `packet record at offset ${file.base + pos} claims ${incl} captured bytes, more than the ` +
          `limit of ${limit} (snaplen ${this.header.snaplen}): corrupt file`;
        return ParseStatus.Error;
      }
      const recordLen = RECORD_HEADER_BYTES + incl;
      if (avail < recordLen) {
        file.pos = pos;
        if (!file.eof && recordLen <= file.remainingInFile) {
          run.need = recordLen;
          return ParseStatus.NeedMore;
        }
        const have = Math.max(0, Math.min(avail, file.remainingInFile) - RECORD_HEADER_BYTES);
        run.error =
          `truncated packet record at offset ${file.base + pos} ` +
          `(${incl} bytes of packet data expected, ${have} present)`;
        return ParseStatus.Error;
      }
      const ts = sec * 1e6 + frac / fracScale;
      if (pacer !== null) {
        const wait = pacer.delayMs(ts);
        if (wait > 0) {
          file.pos = pos;
          run.waitMs = wait;
          return ParseStatus.Wait;
        }
      }
      run.received++;
      // Some writers store orig_len < incl_len; the sink contract promises wireLen ≥ capLen.
      sink(buf, pos + RECORD_HEADER_BYTES, incl, orig < incl ? incl : orig, ts, linkType);
      pos += recordLen;
      if (--budget === 0 || run.stopRequested) {
        file.pos = pos;
        return ParseStatus.Yield;
      }
    }
  }
}
