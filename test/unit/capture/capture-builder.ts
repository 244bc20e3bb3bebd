/**
 * Test helpers: write pcap / pcapng bytes field by field (independently of the readers under
 * test), read a file back through openCaptureFile, and manage temporary files.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openCaptureFile, type OpenCaptureFileOptions } from '../../../src/engine/capture/file/open-capture-file.js';
import type { SourceEnd, SourceStats } from '../../../src/engine/capture/packet-source.js';

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;
  constructor(public le: boolean) {}
  u8(v: number): this {
    return this.raw(Buffer.from([v & 0xff]));
  }
  u16(v: number): this {
    const b = Buffer.alloc(2);
    if (this.le) b.writeUInt16LE(v);
    else b.writeUInt16BE(v);
    return this.raw(b);
  }
  u32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.le) b.writeUInt32LE(v >>> 0);
    else b.writeUInt32BE(v >>> 0);
    return this.raw(b);
  }
  i32(v: number): this {
    const b = Buffer.alloc(4);
    if (this.le) b.writeInt32LE(v);
    else b.writeInt32BE(v);
    return this.raw(b);
  }
  u64(v: bigint): this {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigUInt64LE(BigInt.asUintN(64, v));
    else b.writeBigUInt64BE(BigInt.asUintN(64, v));
    return this.raw(b);
  }
  raw(b: Buffer): this {
    this.chunks.push(b);
    this.length += b.length;
    return this;
  }
  pad4(): this {
    const extra = (4 - (this.length % 4)) % 4;
    return this.raw(Buffer.alloc(extra));
  }
  bytes(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

// ---------------------------------------------------------------------------------- pcap

export interface PcapRecord {
  sec: number;
  /** µs or ns, depending on the file. */
  frac: number;
  data: Buffer;
  origLen?: number;
  /** Overrides incl_len (to make corrupt records). */
  inclLen?: number;
}

export interface PcapOptions {
  le: boolean;
  nanos?: boolean;
  linkType?: number;
  /** Upper 16 bits of the link-type field (FCS information). */
  linkTypeHigh?: number;
  snaplen?: number;
  versionMajor?: number;
}

export interface BuiltFile {
  bytes: Buffer;
  /** File offsets where a record (or block) starts; the last entry is the file length. */
  boundaries: number[];
  /** For each boundary: how many packets lie entirely before it. */
  packetsAt: number[];
  /** Bytes of the header that must be complete before opening succeeds. */
  headerBytes: number;
}

export function buildPcap(opts: PcapOptions, records: PcapRecord[]): BuiltFile {
  const w = new ByteWriter(opts.le);
  w.u32(opts.nanos ? 0xa1b23c4d : 0xa1b2c3d4)
    .u16(opts.versionMajor ?? 2)
    .u16(4)
    .i32(0)
    .u32(0)
    .u32(opts.snaplen ?? 65535)
    .u32((((opts.linkTypeHigh ?? 0) << 16) | (opts.linkType ?? 1)) >>> 0);
  const boundaries = [w.length];
  const packetsAt = [0];
  let packets = 0;
  for (const r of records) {
    w.u32(r.sec).u32(r.frac).u32(r.inclLen ?? r.data.length).u32(r.origLen ?? r.data.length).raw(r.data);
    boundaries.push(w.length);
    packetsAt.push(++packets);
  }
  return { bytes: w.bytes(), boundaries, packetsAt, headerBytes: 24 };
}

// -------------------------------------------------------------------------------- pcapng

export interface Option {
  code: number;
  value: Buffer;
}

export class PcapngBuilder {
  private blocks: { bytes: Buffer; packet: boolean }[] = [];
  private le = true;

  private block(type: number, body: (w: ByteWriter) => void, packet = false, le = this.le): this {
    const inner = new ByteWriter(le);
    body(inner);
    inner.pad4();
    const bodyBytes = inner.bytes();
    const total = 12 + bodyBytes.length;
    const w = new ByteWriter(le);
    w.u32(type).u32(total).raw(bodyBytes).u32(total);
    this.blocks.push({ bytes: w.bytes(), packet });
    return this;
  }

  private options(w: ByteWriter, options: Option[]): void {
    if (options.length === 0) return;
    for (const o of options) {
      w.u16(o.code).u16(o.value.length).raw(o.value).pad4();
    }
    w.u16(0).u16(0);
  }

  /** 8-byte option value in the current section's byte order. */
  u64Option(code: number, v: bigint): Option {
    const b = Buffer.alloc(8);
    if (this.le) b.writeBigUInt64LE(v);
    else b.writeBigUInt64BE(v);
    return { code, value: b };
  }

  shb(opts: { le: boolean; major?: number; minor?: number; options?: Option[] }): this {
    this.le = opts.le;
    return this.block(0x0a0d0d0a, (w) => {
      w.u32(0x1a2b3c4d)
        .u16(opts.major ?? 1)
        .u16(opts.minor ?? 0)
        .u64(-1n);
      this.options(w, opts.options ?? []);
    });
  }

  idb(opts: { linkType: number; snaplen?: number; tsresol?: number; tsoffset?: bigint; options?: Option[] }): this {
    const options: Option[] = [{ code: 2, value: Buffer.from('eth0') }]; // if_name, to be skipped
    if (opts.tsresol !== undefined) options.push({ code: 9, value: Buffer.from([opts.tsresol]) });
    if (opts.tsoffset !== undefined) {
      const b = Buffer.alloc(8);
      if (this.le) b.writeBigInt64LE(opts.tsoffset);
      else b.writeBigInt64BE(opts.tsoffset);
      options.push({ code: 14, value: b });
    }
    options.push(...(opts.options ?? []));
    return this.block(1, (w) => {
      w.u16(opts.linkType).u16(0).u32(opts.snaplen ?? 0);
      this.options(w, options);
    });
  }

  epb(opts: { iface: number; ts: bigint; data: Buffer; origLen?: number; capLen?: number; dropCount?: bigint; options?: Option[] }): this {
    const options: Option[] = [{ code: 2, value: Buffer.from([0, 0, 0, 1]) }]; // epb_flags first
    if (opts.dropCount !== undefined) options.push(this.u64Option(4, opts.dropCount));
    options.push(...(opts.options ?? []));
    return this.block(
      6,
      (w) => {
        w.u32(opts.iface)
          .u32(Number(opts.ts >> 32n))
          .u32(Number(opts.ts & 0xffffffffn))
          .u32(opts.capLen ?? opts.data.length)
          .u32(opts.origLen ?? opts.data.length)
          .raw(opts.data)
          .pad4();
        if (opts.dropCount !== undefined || opts.options !== undefined) this.options(w, options);
      },
      true,
    );
  }

  /** EPB without any options. */
  epbPlain(iface: number, ts: bigint, data: Buffer, origLen?: number): this {
    return this.epb({ iface, ts, data, ...(origLen === undefined ? {} : { origLen }) });
  }

  spb(data: Buffer, origLen?: number): this {
    return this.block(3, (w) => w.u32(origLen ?? data.length).raw(data), true);
  }

  opb(opts: { iface: number; drops: number; ts: bigint; data: Buffer; origLen?: number }): this {
    return this.block(
      2,
      (w) =>
        w
          .u16(opts.iface)
          .u16(opts.drops)
          .u32(Number(opts.ts >> 32n))
          .u32(Number(opts.ts & 0xffffffffn))
          .u32(opts.data.length)
          .u32(opts.origLen ?? opts.data.length)
          .raw(opts.data),
      true,
    );
  }

  isb(opts: { iface: number; ifdrop?: bigint; osdrop?: bigint }): this {
    const options: Option[] = [];
    if (opts.ifdrop !== undefined) options.push(this.u64Option(5, opts.ifdrop));
    if (opts.osdrop !== undefined) options.push(this.u64Option(7, opts.osdrop));
    return this.block(5, (w) => {
      w.u32(opts.iface).u32(0).u32(0);
      this.options(w, options);
    });
  }

  /** Any block type with an opaque body (name resolution, custom, unknown …). */
  other(type: number, body: Buffer): this {
    return this.block(type, (w) => w.raw(body));
  }

  /** Raw bytes appended as they are (to build corrupt files). */
  rawBytes(bytes: Buffer, packet = false): this {
    this.blocks.push({ bytes, packet });
    return this;
  }

  build(): BuiltFile {
    const boundaries: number[] = [0];
    const packetsAt: number[] = [0];
    let offset = 0;
    let packets = 0;
    for (const b of this.blocks) {
      offset += b.bytes.length;
      if (b.packet) packets++;
      boundaries.push(offset);
      packetsAt.push(packets);
    }
    return { bytes: Buffer.concat(this.blocks.map((b) => b.bytes)), boundaries, packetsAt, headerBytes: 12 };
  }
}

// ------------------------------------------------------------------------------- reading

export interface DeliveredFrame {
  data: Buffer;
  capLen: number;
  wireLen: number;
  ts: number;
  linkType: number;
}

export interface ReadResult {
  end: SourceEnd;
  frames: DeliveredFrame[];
  stats: SourceStats;
  description: string;
  kind: string;
}

/** Reads a whole file, copying every frame and checking the view stays inside the buffer. */
export async function readAll(file: string, options?: OpenCaptureFileOptions): Promise<ReadResult> {
  const source = await openCaptureFile(file, options);
  const frames: DeliveredFrame[] = [];
  let outOfBounds = '';
  const end = await source.start((buf, offset, capLen, wireLen, ts, linkType) => {
    if (!(offset >= 0 && capLen >= 0 && offset + capLen <= buf.length) || wireLen < capLen) {
      outOfBounds ||= `frame ${frames.length}: offset ${offset} capLen ${capLen} wireLen ${wireLen} buf ${buf.length}`;
    }
    frames.push({ data: Buffer.from(buf.subarray(offset, offset + capLen)), capLen, wireLen, ts, linkType });
  });
  if (outOfBounds) throw new Error(`sink got an out-of-bounds view: ${outOfBounds}`);
  return { end, frames, stats: source.stats(), description: source.description, kind: source.kind };
}

let tmpDir: string | null = null;
let counter = 0;

/** A fresh path in a per-process temporary directory (removed at exit). */
export function tmpPath(name = 'capture'): string {
  if (tmpDir === null) {
    tmpDir = fs.mkdtempSync(path.join(os.tmpdir(), 'snoopy-capture-test-'));
    const dir = tmpDir;
    process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  }
  return path.join(tmpDir, `${counter++}-${name}`);
}

export function writeTmp(bytes: Buffer, name?: string): string {
  const p = tmpPath(name);
  fs.writeFileSync(p, bytes);
  return p;
}

/** Deterministic frame contents of a given length. */
export function frame(length: number, seed: number): Buffer {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (seed * 31 + i * 7) & 0xff;
  return b;
}

/** The one-line error's byte offset, or NaN. */
export function errorOffset(end: SourceEnd): number {
  const m = /offset (\d+)/.exec(end.error ?? '');
  return m ? Number(m[1]) : NaN;
}
