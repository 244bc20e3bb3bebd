/**
 * pcapng files: a sequence of sections, each a Section Header Block (whose byte-order magic
 * decides the byte order of the whole section) followed by blocks of
 * `type(4) total_length(4) body total_length(4)`. Packets come from Enhanced (6), Simple (3)
 * and the obsolete Packet (2) blocks; Interface Description Blocks (1) give each interface its
 * link type, snaplen and timestamp units; Interface Statistics Blocks (5) may carry drop
 * counts; every other block type is skipped by its length.
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
import { PcapngInterface } from './pcapng-interface.js';

export const BLOCK_SECTION_HEADER = 0x0a0d0d0a;
export const BLOCK_INTERFACE_DESCRIPTION = 1;
export const BLOCK_PACKET_OBSOLETE = 2;
export const BLOCK_SIMPLE_PACKET = 3;
export const BLOCK_INTERFACE_STATISTICS = 5;
export const BLOCK_ENHANCED_PACKET = 6;
export const BYTE_ORDER_MAGIC = 0x1a2b3c4d;

const OPT_END = 0;
const OPT_EPB_DROPCOUNT = 4;
const OPT_IF_TSRESOL = 9;
const OPT_IF_TSOFFSET = 14;
const OPT_ISB_IFDROP = 5;
const OPT_ISB_OSDROP = 7;

/** Larger than any real block (Wireshark stops at 16 MiB): a length above it means corruption. */
export const MAX_BLOCK_BYTES = 64 * 1024 * 1024;
const MIN_BLOCK_BYTES = 12;
const MIN_SHB_BYTES = 28;
const TWO_32 = 4294967296;

/** Bytes an open step needs to recognise a pcapng file (type, length, byte-order magic). */
export const PCAPNG_SNIFF_BYTES = 12;

function blockName(type: number): string {
  switch (type) {
    case BLOCK_SECTION_HEADER:
      return 'section header block';
    case BLOCK_INTERFACE_DESCRIPTION:
      return 'interface description block';
    case BLOCK_PACKET_OBSOLETE:
      return 'packet block';
    case BLOCK_SIMPLE_PACKET:
      return 'simple packet block';
    case BLOCK_INTERFACE_STATISTICS:
      return 'interface statistics block';
    case BLOCK_ENHANCED_PACKET:
      return 'enhanced packet block';
    default:
      return `block of type 0x${type.toString(16).padStart(8, '0')}`;
  }
}

function hex4(buf: Buffer, pos: number): string {
  return [0, 1, 2, 3].map((i) => buf[pos + i]!.toString(16).padStart(2, '0')).join(' ');
}

/** Checks the start of a pcapng file (first block is an SHB with a valid byte-order magic). */
export function checkPcapngStart(path: string, buf: Buffer, pos: number, available: number): void {
  if (available < PCAPNG_SNIFF_BYTES) {
    throw new SourceOpenError(
      `truncated pcapng section header: ${path} (${available} of at least ${MIN_SHB_BYTES} bytes)`,
    );
  }
  const magic = buf.readUInt32LE(pos + 8);
  if (magic !== BYTE_ORDER_MAGIC && magic !== 0x4d3c2b1a) {
    throw new SourceOpenError(
      `not a pcapng file: ${path} (byte-order magic is ${hex4(buf, pos + 8)}, expected 1a 2b 3c 4d or 4d 3c 2b 1a)`,
    );
  }
}

export class PcapngParser implements CaptureFormatParser {
  /** Byte order of the current section. */
  private le = true;
  private inSection = false;
  private interfaces: PcapngInterface[] = [];
  /** Interfaces of all sections get one running number, for the statistics map. */
  private interfaceBase = 0;
  private nextInterface = 0;
  /** Sum of per-packet drop counters (epb_dropcount, OPB drops count). */
  private packetDrops = 0;
  private packetDropsSeen = false;
  /** Latest isb_ifdrop + isb_osdrop per interface (cumulative counters). */
  private readonly statsDrops = new Map<number, number>();
  /** SPBs have no timestamp: they get the previous packet's, so clocks do not jump to 1970. */
  private lastTs = 0;

  dropped(): number | null {
    if (this.packetDropsSeen) return this.packetDrops;
    if (this.statsDrops.size === 0) return null;
    let sum = 0;
    for (const v of this.statsDrops.values()) sum += v;
    return sum;
  }

  parse(run: ParseRun, sink: PacketSink): ParseStatusCode {
    const file = run.file;
    const buf = file.buf;
    const view = file.view;
    const end = file.end;
    const pacer = run.pacer;
    let le = this.le;
    let pos = file.pos;
    let budget = BATCH_RECORDS;

    for (;;) {
      const avail = end - pos;
      if (avail < MIN_BLOCK_BYTES) {
        file.pos = pos;
        if (!file.eof) {
          run.need = MIN_BLOCK_BYTES;
          return ParseStatus.NeedMore;
        }
        if (avail === 0) return ParseStatus.Eof;
        run.error = `truncated block header at offset ${file.base + pos} (${avail} of ${MIN_BLOCK_BYTES} bytes)`;
        return ParseStatus.Error;
      }

      const type = view.getUint32(pos, le);
      let blockLe = le;
      if (type === BLOCK_SECTION_HEADER) {
        // The SHB type reads the same in both byte orders; its magic decides the order.
        const magic = view.getUint32(pos + 8, true);
        if (magic === BYTE_ORDER_MAGIC) blockLe = true;
        else if (magic === 0x4d3c2b1a) blockLe = false;
        else return this.fail(run, pos, `section header block at offset ${file.base + pos} has a bad byte-order magic (${hex4(buf, pos + 8)})`);
      } else if (!this.inSection) {
        return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} comes before any section header block`);
      }
      const len = view.getUint32(pos + 4, blockLe);
      if (len < MIN_BLOCK_BYTES || (len & 3) !== 0 || (type === BLOCK_SECTION_HEADER && len < MIN_SHB_BYTES)) {
        return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} has an invalid total length ${len}`);
      }
      if (len > MAX_BLOCK_BYTES) {
        return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} claims ${len} bytes, more than the limit of ${MAX_BLOCK_BYTES}: corrupt file`);
      }
      if (avail < len) {
        file.pos = pos;
        if (!file.eof && len <= file.remainingInFile) {
          run.need = len;
          return ParseStatus.NeedMore;
        }
        const have = Math.min(avail, file.remainingInFile);
        run.error = `truncated ${blockName(type)} at offset ${file.base + pos} (block length ${len}, ${have} bytes present)`;
        return ParseStatus.Error;
      }
      const trailer = view.getUint32(pos + len - 4, blockLe);
      if (trailer !== len) {
        return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos}: trailing length ${trailer} differs from leading length ${len}`);
      }

      if (type === BLOCK_ENHANCED_PACKET || type === BLOCK_PACKET_OBSOLETE) {
        // EPB: iface(4) tsHigh tsLow capLen origLen data options; OPB: iface(2) drops(2) ….
        if (len < 32) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} is too short (${len} bytes)`);
        }
        const ifaceId = type === BLOCK_ENHANCED_PACKET ? view.getUint32(pos + 8, le) : view.getUint16(pos + 8, le);
        const high = view.getUint32(pos + 12, le);
        const low = view.getUint32(pos + 16, le);
        const capLen = view.getUint32(pos + 20, le);
        const wireLen = view.getUint32(pos + 24, le);
        let drops = -1; // -1: the block says nothing about drops
        const iface = this.interfaces[ifaceId];
        if (iface === undefined) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} names interface ${ifaceId}, but the section has ${this.interfaces.length}`);
        }
        if (capLen > len - 32) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos}: captured length ${capLen} does not fit in its block (total length ${len})`);
        }
        if (type === BLOCK_PACKET_OBSOLETE) {
          const d = view.getUint16(pos + 10, le);
          if (d !== 0xffff) drops = d; // 0xffff: "not available"
        }
        const optStart = pos + 28 + ((capLen + 3) & ~3);
        const optEnd = pos + len - 4;
        if (type === BLOCK_ENHANCED_PACKET && optStart + 4 <= optEnd) {
          drops = readOptionU64(view, optStart, optEnd, OPT_EPB_DROPCOUNT, le);
        }
        const ts = iface.toMicros(high, low);
        if (pacer !== null) {
          const wait = pacer.delayMs(ts);
          if (wait > 0) return this.wait(run, pos, wait);
        }
        if (drops >= 0) {
          this.packetDrops += drops;
          this.packetDropsSeen = true;
        }
        this.lastTs = ts;
        run.received++;
        sink(buf, pos + 28, capLen, wireLen < capLen ? capLen : wireLen, ts, iface.linkType);
      } else if (type === BLOCK_SIMPLE_PACKET) {
        if (len < 16) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} is too short (${len} bytes)`);
        }
        const iface = this.interfaces[0];
        if (iface === undefined) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} comes before any interface description block in its section`);
        }
        const wireLen = view.getUint32(pos + 8, le);
        let capLen = len - 16;
        if (wireLen < capLen) capLen = wireLen;
        if (iface.snaplen !== 0 && iface.snaplen < capLen) capLen = iface.snaplen;
        const ts = this.lastTs;
        if (pacer !== null) {
          const wait = pacer.delayMs(ts);
          if (wait > 0) return this.wait(run, pos, wait);
        }
        run.received++;
        sink(buf, pos + 12, capLen, wireLen < capLen ? capLen : wireLen, ts, iface.linkType);
      } else if (type === BLOCK_SECTION_HEADER) {
        const major = view.getUint16(pos + 12, blockLe);
        const minor = view.getUint16(pos + 14, blockLe);
        if (major !== 1) {
          return this.fail(run, pos, `section header block at offset ${file.base + pos} has unsupported pcapng version ${major}.${minor}`);
        }
        le = this.le = blockLe;
        this.inSection = true;
        this.interfaces = [];
        this.interfaceBase = this.nextInterface;
      } else if (type === BLOCK_INTERFACE_DESCRIPTION) {
        if (len < 20) {
          return this.fail(run, pos, `${blockName(type)} at offset ${file.base + pos} is too short (${len} bytes)`);
        }
        this.interfaces.push(readInterface(view, pos, len, le));
        this.nextInterface++;
      } else if (type === BLOCK_INTERFACE_STATISTICS) {
        this.readStatistics(view, pos, len, le);
      }
      // Every other block type (name resolution, decryption secrets, custom …) is skipped.

      pos += len;
      if (--budget === 0 || run.stopRequested) {
        file.pos = pos;
        return ParseStatus.Yield;
      }
    }
  }

  private fail(run: ParseRun, pos: number, message: string): ParseStatusCode {
    run.file.pos = pos;
    run.error = message;
    return ParseStatus.Error;
  }

  private wait(run: ParseRun, pos: number, ms: number): ParseStatusCode {
    run.file.pos = pos;
    run.waitMs = ms;
    return ParseStatus.Wait;
  }

  /** isb_ifdrop and isb_osdrop are cumulative since the capture began: keep the latest per interface. */
  private readStatistics(view: DataView, pos: number, len: number, le: boolean): void {
    if (len < 24) return;
    const ifaceId = view.getUint32(pos + 8, le);
    if (ifaceId >= this.interfaces.length) return;
    const optEnd = pos + len - 4;
    const ifdrop = readOptionU64(view, pos + 20, optEnd, OPT_ISB_IFDROP, le);
    const osdrop = readOptionU64(view, pos + 20, optEnd, OPT_ISB_OSDROP, le);
    if (ifdrop < 0 && osdrop < 0) return;
    this.statsDrops.set(this.interfaceBase + ifaceId, Math.max(0, ifdrop) + Math.max(0, osdrop));
  }
}

/**
 * Value of the 8-byte option `code` among the options in `[p, optEnd)`, or -1 if absent.
 * Malformed options end the scan (they are metadata; the packet itself is still good).
 */
function readOptionU64(view: DataView, p: number, optEnd: number, code: number, le: boolean): number {
  while (p + 4 <= optEnd) {
    const c = view.getUint16(p, le);
    const l = view.getUint16(p + 2, le);
    if (c === OPT_END) break;
    const v = p + 4;
    if (v + l > optEnd) break;
    if (c === code && l === 8) {
      return le
        ? view.getUint32(v + 4, true) * TWO_32 + view.getUint32(v, true)
        : view.getUint32(v, false) * TWO_32 + view.getUint32(v + 4, false);
    }
    p = v + ((l + 3) & ~3);
  }
  return -1;
}

function readInterface(view: DataView, pos: number, len: number, le: boolean): PcapngInterface {
  const linkType = view.getUint16(pos + 8, le);
  const snaplen = view.getUint32(pos + 12, le);
  let tsresol = 6;
  let tsoffset = 0;
  let p = pos + 16;
  const optEnd = pos + len - 4;
  while (p + 4 <= optEnd) {
    const c = view.getUint16(p, le);
    const l = view.getUint16(p + 2, le);
    if (c === OPT_END) break;
    const v = p + 4;
    if (v + l > optEnd) break;
    if (c === OPT_IF_TSRESOL && l >= 1) tsresol = view.getUint8(v);
    else if (c === OPT_IF_TSOFFSET && l === 8) {
      // Signed 64-bit seconds.
      tsoffset = le
        ? view.getInt32(v + 4, true) * TWO_32 + view.getUint32(v, true)
        : view.getInt32(v, false) * TWO_32 + view.getUint32(v + 4, false);
    }
    p = v + ((l + 3) & ~3);
  }
  return new PcapngInterface(linkType, snaplen, tsresol, tsoffset);
}
