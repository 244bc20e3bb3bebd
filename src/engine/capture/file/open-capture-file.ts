/**
 * Opens a pcap or pcapng file as a PacketSource, recognising the format by its magic bytes
 * (not by the file name). Problems the user must fix — missing or unreadable file, empty file,
 * not a capture file — throw SourceOpenError with one line; problems later in the file end the
 * replay with reason `error` after every good packet before them was delivered.
 */
import type { PacketSource } from '../packet-source.js';
import { SourceOpenError } from '../packet-source.js';
import { ChunkedFile, DEFAULT_CHUNK_BYTES } from './chunked-file.js';
import { FilePacketSource } from './file-packet-source.js';
import { PCAP_GLOBAL_HEADER_BYTES, PcapParser, parsePcapHeader, pcapMagicKind } from './pcap-reader.js';
import { BLOCK_SECTION_HEADER, PcapngParser, checkPcapngStart } from './pcapng-reader.js';
import { DEFAULT_MAX_GAP_MICROS, MAX_REPLAY_SPEED, MIN_REPLAY_SPEED, ReplayPacer } from './replay-pacer.js';
import { isDecodableLinkType, undecodableLinkType } from './supported-link-types.js';

export interface OpenCaptureFileOptions {
  /** 'max' (default): as fast as possible; N: N× recorded time (1 = real time). */
  speed?: number | 'max';
  /**
   * When pacing, a gap between packets longer than this many seconds of recorded time counts
   * as this long (default 5), so idle stretches of a capture do not stall a replay.
   */
  maxGapSeconds?: number;
  /** Read size in bytes (default 8 MiB). Tests use tiny values to exercise chunk boundaries. */
  readChunkBytes?: number;
}

function hexBytes(buf: Buffer, pos: number, count: number): string {
  const parts: string[] = [];
  for (let i = 0; i < count; i++) parts.push(buf[pos + i]!.toString(16).padStart(2, '0'));
  return parts.join(' ');
}

/** A hint for well-known non-capture formats people hand to --replay by mistake. */
function formatHint(b0: number | undefined, b1: number | undefined): string {
  if (b0 === 0x1f && b1 === 0x8b) return '; it looks gzip-compressed, decompress it first';
  if (b0 === 0x28 && b1 === 0xb5) return '; it looks zstd-compressed, decompress it first';
  return '';
}

function makePacer(path: string, options: OpenCaptureFileOptions | undefined): ReplayPacer | null {
  const speed = options?.speed ?? 'max';
  if (speed === 'max') return null;
  if (typeof speed !== 'number' || !(speed >= MIN_REPLAY_SPEED && speed <= MAX_REPLAY_SPEED)) {
    throw new SourceOpenError(`invalid replay speed for ${path}: ${String(speed)} (use a number from ${MIN_REPLAY_SPEED} to ${MAX_REPLAY_SPEED}, or 'max')`);
  }
  const maxGapSeconds = options?.maxGapSeconds;
  const maxGap =
    maxGapSeconds !== undefined && maxGapSeconds > 0 ? maxGapSeconds * 1e6 : DEFAULT_MAX_GAP_MICROS;
  return new ReplayPacer(speed, maxGap);
}

/**
 * Opens `path` and returns a source ready to start(). Call start() or stop() on it: the file
 * stays open until the source has ended.
 */
export async function openCaptureFile(path: string, options?: OpenCaptureFileOptions): Promise<PacketSource> {
  const pacer = makePacer(path, options);
  const file = await ChunkedFile.open(path, options?.readChunkBytes ?? DEFAULT_CHUNK_BYTES);
  try {
    try {
      await file.fill(PCAP_GLOBAL_HEADER_BYTES);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      throw new SourceOpenError(`capture file not readable: ${path} (${message})`);
    }
    const buf = file.buf;
    const pos = file.pos;
    const available = file.end - pos;
    if (available === 0) throw new SourceOpenError(`capture file is empty: ${path}`);
    if (available < 4) {
      throw new SourceOpenError(
        `not a pcap or pcapng capture file: ${path} (only ${available} bytes: ${hexBytes(buf, pos, available)})`,
      );
    }
    const b0 = buf[pos]!;
    const b1 = buf[pos + 1]!;
    if (pcapMagicKind(b0, b1, buf[pos + 2]!, buf[pos + 3]!) !== null) {
      const header = parsePcapHeader(path, buf, pos, available);
      if (!isDecodableLinkType(header.linkType)) throw new SourceOpenError(`${undecodableLinkType(header.linkType)}: ${path}`);
      file.pos += PCAP_GLOBAL_HEADER_BYTES;
      return new FilePacketSource(path, file, new PcapParser(header), pacer);
    }
    if (buf.readUInt32BE(pos) === BLOCK_SECTION_HEADER) {
      checkPcapngStart(path, buf, pos, available);
      return new FilePacketSource(path, file, new PcapngParser(), pacer);
    }
    throw new SourceOpenError(
      `not a pcap or pcapng capture file: ${path} (starts with ${hexBytes(buf, pos, 4)}${formatHint(b0, b1)})`,
    );
  } catch (err) {
    await file.close();
    throw err;
  }
}
