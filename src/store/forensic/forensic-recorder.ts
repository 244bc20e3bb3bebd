import { join } from 'node:path';
import { formatAddress, parseAddress } from '../../net/address.js';
import type { Alert } from '../../model/alert.js';
import type { Packet } from '../../engine/decode/packet.js';
import { forensicFileName, numberedFileName } from './file-name.js';
import { nodeForensicFileSystem, type ForensicFile, type ForensicFileSystem } from './forensic-files.js';
import { FrameRing, viewOf } from './frame-ring.js';
import { PCAP_FILE_HEADER_BYTES, PCAP_RECORD_HEADER_BYTES, writePcapFileHeader, writePcapRecordHeader } from './pcap-format.js';

export interface ForensicRecorderOptions {
  /** Where the pcap files go (created 0750 on the first file). */
  pcapDir: string;
  /** Bytes of recent frames kept (default 16 MiB, preallocated). */
  ringBytes?: number;
  /** Frames kept at most (default 131,072). */
  ringFrames?: number;
  /** Packet-time seconds of ringed frames written when an alert starts a capture (default 10). */
  beforeSeconds?: number;
  /** Packet-time seconds after the alert during which the attacker's frames are appended (default 30). */
  afterSeconds?: number;
  /** Captures being recorded or written at once; later alerts are skipped and counted (default 16). */
  maxOpenCaptures?: number;
  /** Per-file cap in packets (default 10,000). */
  maxPacketsPerFile?: number;
  /** Per-file cap in bytes, headers included (default 16 MiB). */
  maxBytesPerFile?: number;
  /**
   * Bytes queued for writing across all captures (default 32 MiB). While the disk lags behind
   * (or a flood keeps the event loop from running the writes) frames beyond it are dropped
   * from the files and counted.
   */
  maxPendingBytes?: number;
  /** How many finished files stats() lists (default 32). */
  recentFiles?: number;
  /** Called with one line when writing fails (once, until a later file is written successfully). */
  onProblem?: (line: string) => void;
  /** File operations; tests inject failures. Default: node:fs/promises. */
  fileSystem?: ForensicFileSystem;
}

export type ForensicCaptureState = 'open' | 'closing' | 'closed' | 'failed';
export type ForensicEndReason = 'window' | 'packet_cap' | 'byte_cap' | 'shutdown' | 'error';

export interface ForensicFileInfo {
  /** The file's path (the intended one until the file is created; `-N` is added on a name clash). */
  path: string;
  alertId: string;
  attackType: string;
  attackerIp: string;
  /** Link type of the file (of its first frame); -1 while it has none. */
  linkType: number;
  /** Frames put into the file so far. */
  packets: number;
  /** Frames that reached the disk. */
  packetsWritten: number;
  bytesWritten: number;
  /** Frames of the attacker left out because too many bytes waited for the disk. */
  dropped: number;
  /** Frames of the attacker left out because their link type differs from the file's. */
  otherLinkType: number;
  state: ForensicCaptureState;
  endReason: ForensicEndReason | null;
}

export interface ForensicStats {
  /** Captures started (one per alert). */
  captures: number;
  /** Files complete on disk. */
  filesWritten: number;
  /** Captures that ended without a single frame of the attacker (no file is created). */
  emptyCaptures: number;
  /** Captures recording or writing now. */
  openCaptures: number;
  packetsWritten: number;
  bytesWritten: number;
  /** Alerts that got no capture: too many open, unparsable attacker address, or after close(). */
  skippedAlerts: number;
  /** Frames left out of files because too many bytes waited for the disk. */
  framesDropped: number;
  /** Frames left out of files because their link type differs from the file's. */
  linkTypeSkipped: number;
  /** Frames not ringed because they are larger than the whole ring. */
  ringTooLarge: number;
  ringBytes: number;
  ringFrames: number;
  ringCapacityBytes: number;
  ringCapacityFrames: number;
  ringEvicted: number;
  /** Bytes waiting to be written. */
  pendingBytes: number;
  writeErrors: number;
  /** The current failure as one line, null while writes succeed. */
  problem: string | null;
  /** The most recent captures (open ones included), oldest first. */
  recentFiles: ForensicFileInfo[];
}

const MIB = 1024 * 1024;
/** Staging buffer per capture; a full one is handed to the writer. */
const STAGE_BYTES = 64 * 1024;
/** Bits of the attacker's last address word in the packet path's quick filter. */
const FILTER_MASK = 0xfff;
/** Alert ids remembered so an alert starts one capture however often it is passed in. */
const SEEN_IDS = 4096;

interface Chunk {
  data: Buffer;
  packets: number;
}

/** One alert's file: where its frames wait, how far the writer got. Internal. */
class Capture {
  linkType = -1;
  packets = 0;
  bytes = 0;
  stage: Buffer | null = null;
  /** A DataView over `stage`. */
  stageView: DataView | null = null;
  stageLen = 0;
  stagePackets = 0;
  readonly queue: Chunk[] = [];
  writing = false;
  done: Promise<void> = Promise.resolve();
  file: ForensicFile | null = null;
  state: ForensicCaptureState = 'open';

  constructor(
    readonly w0: number,
    readonly w1: number,
    readonly w2: number,
    readonly w3: number,
    readonly endMicros: number,
    readonly name: string,
    readonly info: ForensicFileInfo,
  ) {}
}

/**
 * Forensic pcaps: keeps a bounded ring of recent IP frames and, for each
 * alert, writes the attacker's frames from the last `beforeSeconds` and the next
 * `afterSeconds` (packet time) to a classic pcap file in `pcapDir`.
 *
 * - `record(pkt, buf, offset)` is on the packet path: one copy into a preallocated arena and
 *   typed-array stores; with captures open, an address comparison per open capture and a copy
 *   of the attacker's frames into that capture's staging buffer. No object per packet.
 * - Writes go through fs.promises in the background and never block or throw into the packet
 *   path; a failure is counted and reported as one line through `onProblem`.
 * - One link type per file (the first frame's): frames of the attacker on another link type
 *   (possible only when a source mixes link types, e.g. a multi-interface pcapng) are left out
 *   and counted (`linkTypeSkipped`, `otherLinkType` per file).
 * - Everything is bounded: ring bytes and frames, open captures, bytes waiting for the disk,
 *   frames and bytes per file, remembered alert ids, listed files.
 */
export class ForensicRecorder {
  readonly pcapDir: string;
  readonly ring: FrameRing;
  private readonly beforeMicros: number;
  private readonly afterMicros: number;
  private readonly maxOpen: number;
  private readonly maxPackets: number;
  private readonly maxBytes: number;
  private readonly maxPending: number;
  private readonly maxRecent: number;
  private readonly onProblem: ((line: string) => void) | undefined;
  private readonly fs: ForensicFileSystem;

  /** Captures still taking frames (the packet path walks this). */
  private readonly open: Capture[] = [];
  /** Per low 12 bits of an attacker's last address word: how many open captures have it. */
  private readonly attackerFilter = new Uint8Array(FILTER_MASK + 1);
  /** Captures taking frames or still being written. */
  private readonly active = new Set<Capture>();
  private readonly seenIds = new Set<string>();
  private readonly recent: ForensicFileInfo[] = [];
  /** Latest packet time seen (recorded frames and ticks). */
  private nowMicros = 0;
  private pendingBytes = 0;
  private dirReady = false;
  private closed = false;
  private problem: string | null = null;
  private readonly counters = {
    captures: 0,
    filesWritten: 0,
    emptyCaptures: 0,
    packetsWritten: 0,
    bytesWritten: 0,
    skippedAlerts: 0,
    framesDropped: 0,
    linkTypeSkipped: 0,
    ringTooLarge: 0,
    writeErrors: 0,
  };

  constructor(options: ForensicRecorderOptions) {
    this.pcapDir = options.pcapDir;
    this.ring = new FrameRing(options.ringBytes ?? 16 * MIB, options.ringFrames ?? 131_072);
    this.beforeMicros = Math.max(0, options.beforeSeconds ?? 10) * 1e6;
    this.afterMicros = Math.max(0, options.afterSeconds ?? 30) * 1e6;
    this.maxOpen = Math.max(1, options.maxOpenCaptures ?? 16);
    this.maxPackets = Math.max(1, options.maxPacketsPerFile ?? 10_000);
    this.maxBytes = Math.max(PCAP_FILE_HEADER_BYTES + PCAP_RECORD_HEADER_BYTES, options.maxBytesPerFile ?? 16 * MIB);
    this.maxPending = Math.max(STAGE_BYTES, options.maxPendingBytes ?? 32 * MIB);
    this.maxRecent = Math.max(1, options.recentFiles ?? 32);
    this.onProblem = options.onProblem;
    this.fs = options.fileSystem ?? nodeForensicFileSystem;
  }

  /**
   * Keeps a frame that decoded as IP: `buf[offset, offset + pkt.capLen)` are its bytes (copied:
   * the source reuses its buffer), timestamps, lengths, link type and addresses come from `pkt`.
   * Call it for every IP frame, before the detectors see the packet, so that the frame that
   * triggers an alert is in the ring when the alert starts its capture.
   */
  record(pkt: Packet, buf: Buffer, offset: number): void {
    const slot = this.ring.push(pkt, buf, offset);
    const ts = pkt.tsMicros;
    if (ts > this.nowMicros) this.nowMicros = ts;
    if (slot < 0) {
      this.counters.ringTooLarge++;
      return;
    }
    const open = this.open;
    if (open.length === 0) return;
    // Most frames involve none of the attackers: one lookup each side rejects them.
    const filter = this.attackerFilter;
    if (filter[pkt.src3 & FILTER_MASK] === 0 && filter[pkt.dst3 & FILTER_MASK] === 0) return;
    // Backwards: append() may end a capture (per-file cap), which removes it from `open`.
    for (let i = open.length - 1; i >= 0; i--) {
      const c = open[i]!;
      if (ts > c.endMicros) continue;
      if (
        (pkt.src3 === c.w3 && pkt.src2 === c.w2 && pkt.src1 === c.w1 && pkt.src0 === c.w0) ||
        (pkt.dst3 === c.w3 && pkt.dst2 === c.w2 && pkt.dst1 === c.w1 && pkt.dst0 === c.w0)
      ) {
        this.append(c, slot);
      }
    }
  }

  /**
   * Starts the capture of a new alert: the attacker's ringed frames from the last
   * `beforeSeconds` go to a new file at once, later ones for `afterSeconds`. One capture per
   * alert id (later calls with the same id, e.g. for updates, do nothing). `attackerWords` are
   * the attacker's four address words as the decoders give them (IPv4 mapped); when omitted,
   * `alert.attacker_ip` is parsed. Returns the intended file path, or null when no capture started.
   */
  onAlert(alert: Alert, attackerWords?: ArrayLike<number> | null): string | null {
    if (this.seenIds.has(alert.id)) return null;
    this.seenIds.add(alert.id);
    if (this.seenIds.size > SEEN_IDS) this.seenIds.delete(this.seenIds.values().next().value as string);

    const words = attackerWords ?? parseAddress(alert.attacker_ip);
    if (this.closed || words === null || words.length < 4 || this.active.size >= this.maxOpen) {
      this.counters.skippedAlerts++;
      return null;
    }
    const w0 = words[0]! >>> 0;
    const w1 = words[1]! >>> 0;
    const w2 = words[2]! >>> 0;
    const w3 = words[3]! >>> 0;
    const attackerIp = formatAddress(w0, w1, w2, w3);
    const now = this.nowMicros;
    const name = forensicFileName(alert.timestamp, now, alert.attack_type, attackerIp, alert.id);
    const info: ForensicFileInfo = {
      path: join(this.pcapDir, name),
      alertId: alert.id,
      attackType: alert.attack_type,
      attackerIp,
      linkType: -1,
      packets: 0,
      packetsWritten: 0,
      bytesWritten: 0,
      dropped: 0,
      otherLinkType: 0,
      state: 'open',
      endReason: null,
    };
    const c = new Capture(w0, w1, w2, w3, now + this.afterMicros, name, info);
    this.counters.captures++;
    this.active.add(c);
    this.open.push(c);
    this.attackerFilter[w3 & FILTER_MASK]!++;
    this.recent.push(info);
    if (this.recent.length > this.maxRecent) this.recent.shift();

    // The before-window: ringed frames of the attacker, oldest first.
    const ring = this.ring;
    const from = now - this.beforeMicros;
    const count = ring.count;
    for (let i = 0; i < count && c.state === 'open'; i++) {
      const slot = ring.slotAt(i);
      if (ring.tsOf(slot) < from) continue;
      if (ring.involves(slot, w0, w1, w2, w3)) this.append(c, slot);
    }
    if (c.state === 'open') this.flushIfIdle(c);
    return info.path;
  }

  /**
   * Housekeeping at packet time `nowMicros` (call it where the pipeline ticks): closes the
   * captures whose after-window has passed and hands waiting frames to the writer.
   */
  tick(nowMicros: number): void {
    if (nowMicros > this.nowMicros) this.nowMicros = nowMicros;
    const open = this.open;
    for (let i = open.length - 1; i >= 0; i--) {
      const c = open[i]!;
      if (nowMicros > c.endMicros) this.end(c, 'window');
      else this.flushIfIdle(c);
    }
  }

  /** Ends every capture, writes what waits and closes the files. Never rejects. */
  async close(): Promise<void> {
    this.closed = true;
    for (let i = this.open.length - 1; i >= 0; i--) this.end(this.open[i]!, 'shutdown');
    while (this.active.size > 0) {
      const writing = [...this.active].filter((c) => c.writing);
      if (writing.length === 0) break;
      await Promise.all(writing.map((c) => c.done));
    }
  }

  /** Captures still taking frames (stats().openCaptures also counts those still being written). */
  get capturing(): number {
    return this.open.length;
  }

  stats(): ForensicStats {
    const ring = this.ring;
    return {
      ...this.counters,
      openCaptures: this.active.size,
      ringBytes: ring.bytes,
      ringFrames: ring.count,
      ringCapacityBytes: ring.capacityBytes,
      ringCapacityFrames: ring.capacityFrames,
      ringEvicted: ring.evicted,
      pendingBytes: this.pendingBytes,
      problem: this.problem,
      recentFiles: this.recent.map((f) => ({ ...f })),
    };
  }

  // ---- frames into files ------------------------------------------------------------------

  private append(c: Capture, slot: number): void {
    const ring = this.ring;
    const linkType = ring.linkTypeOf(slot);
    let header = 0;
    if (c.linkType !== linkType) {
      if (c.linkType !== -1) {
        c.info.otherLinkType++;
        this.counters.linkTypeSkipped++;
        return;
      }
      header = PCAP_FILE_HEADER_BYTES;
    }
    const n = ring.lenOf(slot);
    const need = header + PCAP_RECORD_HEADER_BYTES + n;
    if (c.bytes + need > this.maxBytes) {
      this.end(c, 'byte_cap');
      return;
    }
    if (this.pendingBytes + need > this.maxPending) {
      c.info.dropped++;
      this.counters.framesDropped++;
      return;
    }
    let stage = c.stage;
    let view = c.stageView;
    if (stage === null || view === null || c.stageLen + need > stage.length) {
      this.seal(c); // may keep the buffer, emptied
      stage = c.stage;
      view = c.stageView;
      if (stage === null || view === null || need > stage.length) {
        stage = c.stage = Buffer.allocUnsafeSlow(need > STAGE_BYTES ? need : STAGE_BYTES);
        view = c.stageView = viewOf(stage);
      }
    }
    let pos = c.stageLen;
    if (header !== 0) {
      pos = writePcapFileHeader(stage, pos, linkType);
      c.linkType = linkType;
      c.info.linkType = linkType;
    }
    pos = writePcapRecordHeader(view, pos, ring.tsOf(slot), n, ring.wireLenOf(slot));
    ring.copyOut(slot, stage, view, pos);
    c.stageLen = pos + n;
    c.stagePackets++;
    c.packets++;
    c.info.packets++;
    c.bytes += need;
    this.pendingBytes += need;
    if (c.packets >= this.maxPackets) {
      this.end(c, 'packet_cap');
    } else if (c.stageLen + PCAP_RECORD_HEADER_BYTES + 64 > stage.length) {
      this.seal(c);
      this.kick(c);
    }
  }

  /** Moves the staged bytes to the write queue. */
  private seal(c: Capture): void {
    const stage = c.stage;
    if (stage === null || c.stageLen === 0) return;
    if (c.stageLen * 2 < stage.length && c.state === 'open') {
      // Mostly empty: queue a copy and keep the buffer for the next frames.
      c.queue.push({ data: Buffer.from(stage.subarray(0, c.stageLen)), packets: c.stagePackets });
    } else {
      c.queue.push({ data: stage.subarray(0, c.stageLen), packets: c.stagePackets });
      c.stage = null;
      c.stageView = null;
    }
    c.stageLen = 0;
    c.stagePackets = 0;
  }

  /** Hands staged frames to the writer when it has nothing else to do. */
  private flushIfIdle(c: Capture): void {
    if (c.writing || c.stageLen === 0 || c.queue.length !== 0) return;
    this.seal(c);
    this.kick(c);
  }

  private end(c: Capture, reason: ForensicEndReason): void {
    if (c.state !== 'open') return;
    this.removeOpen(c);
    c.state = 'closing';
    c.info.state = 'closing';
    c.info.endReason = reason;
    this.seal(c);
    c.stage = null;
    c.stageView = null;
    this.kick(c);
  }

  private removeOpen(c: Capture): void {
    const i = this.open.indexOf(c);
    if (i < 0) return;
    this.open.splice(i, 1);
    this.attackerFilter[c.w3 & FILTER_MASK]!--;
  }

  // ---- the writer ---------------------------------------------------------------------------

  private kick(c: Capture): void {
    if (c.writing || c.state === 'failed' || c.state === 'closed') return;
    if (c.queue.length === 0 && c.state !== 'closing') return;
    c.writing = true;
    c.done = this.drain(c);
  }

  /** Writes the capture's queue in order; closes the file once the capture has ended. Never rejects. */
  private async drain(c: Capture): Promise<void> {
    try {
      for (;;) {
        const chunk = c.queue[0];
        if (chunk !== undefined) {
          if (c.file === null) c.file = await this.createFile(c);
          await c.file.write(chunk.data);
          c.queue.shift();
          this.pendingBytes -= chunk.data.length;
          c.info.packetsWritten += chunk.packets;
          c.info.bytesWritten += chunk.data.length;
          this.counters.packetsWritten += chunk.packets;
          this.counters.bytesWritten += chunk.data.length;
          continue;
        }
        if (c.state === 'open') {
          // Frames staged while the last write was under way: write them too.
          if (c.stageLen === 0) break;
          this.seal(c);
          continue;
        }
        if (c.file !== null) {
          const file = c.file;
          c.file = null;
          await file.close();
          this.counters.filesWritten++;
          this.problem = null;
        } else {
          // Nothing of the attacker was seen: no file, and nothing to list.
          this.counters.emptyCaptures++;
          const i = this.recent.indexOf(c.info);
          if (i >= 0) this.recent.splice(i, 1);
        }
        c.state = 'closed';
        c.info.state = 'closed';
        this.active.delete(c);
        break;
      }
    } catch (e) {
      this.fail(c, e);
    } finally {
      c.writing = false;
    }
  }

  private async createFile(c: Capture): Promise<ForensicFile> {
    if (!this.dirReady) {
      await this.fs.ensureDir(this.pcapDir);
      this.dirReady = true;
    }
    for (let n = 0; n < 100; n++) {
      const path = join(this.pcapDir, numberedFileName(c.name, n));
      try {
        const file = await this.fs.create(path);
        c.info.path = path;
        return file;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException | null)?.code;
        if (code === 'EEXIST') continue;
        if (code === 'ENOENT') this.dirReady = false; // the directory went away: recreate next time
        throw e;
      }
    }
    throw new Error(`100 files named like ${c.name} exist already`);
  }

  private fail(c: Capture, e: unknown): void {
    this.counters.writeErrors++;
    for (const chunk of c.queue) this.pendingBytes -= chunk.data.length;
    this.pendingBytes -= c.stageLen;
    c.queue.length = 0;
    c.stage = null;
    c.stageView = null;
    c.stageLen = 0;
    c.stagePackets = 0;
    this.removeOpen(c);
    c.state = 'failed';
    c.info.state = 'failed';
    c.info.endReason = 'error';
    this.active.delete(c);
    if (c.file !== null) {
      const file = c.file;
      c.file = null;
      file.close().catch(() => undefined);
    }
    if (this.problem !== null) return;
    const err = e as NodeJS.ErrnoException | null;
    const why = String(err?.message ?? e).split('\n')[0];
    this.problem = `forensic pcap ${c.info.path}: ${why}; capture of ${c.info.attackerIp} (${c.info.attackType}) abandoned (counting further failures)`;
    try {
      this.onProblem?.(this.problem);
    } catch {
      // the reporter's failure is not ours to raise
    }
  }
}
