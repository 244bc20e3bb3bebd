/**
 * The PacketSource for capture files: drives a format parser (pcap or pcapng) over a
 * ChunkedFile — reading, yielding to the event loop, pacing, stopping — so that each parser is
 * only a synchronous loop over bytes already in memory.
 */
import { isDecodableLinkType, undecodableLinkType } from './supported-link-types.js';
import type { PacketSink, PacketSource, SourceEnd, SourceStats } from '../packet-source.js';
import type { ChunkedFile } from './chunked-file.js';
import type { ReplayPacer } from './replay-pacer.js';

/** What a parser's `parse` call ended on. */
export const ParseStatus = {
  /** The record at `file.pos` is incomplete and the file is not at its end: read `run.need` bytes. */
  NeedMore: 1,
  /** The batch budget was spent or stop() was asked: give the event loop a turn. */
  Yield: 2,
  /** The next packet is not due yet: sleep `run.waitMs`. */
  Wait: 3,
  /** Clean end of file at a record boundary. */
  Eof: 4,
  /** Malformed or truncated input: `run.error` says what and where (without the path). */
  Error: 5,
} as const;
export type ParseStatusCode = (typeof ParseStatus)[keyof typeof ParseStatus];

/** Records (blocks) parsed per synchronous batch before yielding to the event loop. */
export const BATCH_RECORDS = 50_000;

/** Longest single sleep while pacing, so stop() and the event loop stay responsive. */
const MAX_SLEEP_MS = 100;

/** State shared between the driver and a parser's hot loop (one object, no per-packet allocation). */
export class ParseRun {
  received = 0;
  stopRequested = false;
  need = 0;
  waitMs = 0;
  error = '';
  constructor(
    readonly file: ChunkedFile,
    readonly pacer: ReplayPacer | null,
  ) {}
}

export interface CaptureFormatParser {
  /**
   * Parses complete records from `run.file.buf[pos, end)`, hands packets to `sink`, advances
   * `run.file.pos`, and says why it stopped. Never reads outside `[pos, end)`; never throws on
   * bad input (only if the sink throws).
   */
  parse(run: ParseRun, sink: PacketSink): ParseStatusCode;
  /** Dropped-packet count recorded in the file so far, or null if the file says nothing. */
  dropped(): number | null;
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class FilePacketSource implements PacketSource {
  readonly kind = 'file' as const;
  private readonly run: ParseRun;
  private started = false;
  private wake: (() => void) | null = null;

  constructor(
    readonly description: string,
    private readonly file: ChunkedFile,
    private readonly parser: CaptureFormatParser,
    pacer: ReplayPacer | null,
  ) {
    this.run = new ParseRun(file, pacer);
  }

  /**
   * Never rejects for bad input: truncated or corrupt files resolve with reason `error` after
   * every packet before the problem was delivered. An exception thrown by the sink is a bug in
   * the caller and is passed through (the promise rejects with it) so its stack is not lost.
   */
  async start(sink: PacketSink): Promise<SourceEnd> {
    if (this.started) return { reason: 'error', error: `${this.description}: source already started` };
    this.started = true;
    try {
      return await this.loop(sink);
    } finally {
      await this.file.close();
    }
  }

  private async loop(given: PacketSink): Promise<SourceEnd> {
    const run = this.run;
    const file = this.file;
    // A pcapng's interfaces can be of link types the decoder cannot read: if every packet was,
    // the replay saw nothing, and says so (one line, exit 2) instead of ending quietly.
    let packets = 0;
    let decodable = 0;
    let firstUndecodable = -1;
    let lastDecodable = -1;
    const sink: PacketSink = (buf, offset, capLen, wireLen, ts, linkType) => {
      packets++;
      if (linkType === lastDecodable) decodable++;
      else if (isDecodableLinkType(linkType)) {
        lastDecodable = linkType;
        decodable++;
      } else if (firstUndecodable < 0) firstUndecodable = linkType;
      given(buf, offset, capLen, wireLen, ts, linkType);
    };
    for (;;) {
      if (run.stopRequested) return { reason: 'stopped' };
      const status = this.parser.parse(run, sink);
      switch (status) {
        case ParseStatus.NeedMore:
          try {
            await file.fill(run.need);
          } catch (err) {
            const message = err instanceof Error ? err.message : String(err);
            return { reason: 'error', error: `${this.description}: read error at offset ${file.base + file.end} (${message})` };
          }
          break;
        case ParseStatus.Yield:
          await yieldToEventLoop();
          break;
        case ParseStatus.Wait:
          await this.sleep(Math.min(run.waitMs, MAX_SLEEP_MS));
          break;
        case ParseStatus.Eof:
          if (packets > 0 && decodable === 0) return { reason: 'error', error: `${this.description}: ${undecodableLinkType(firstUndecodable)}; all ${packets} packets skipped` };
          return { reason: 'eof' };
        case ParseStatus.Error:
          return { reason: 'error', error: `${this.description}: ${run.error}` };
      }
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  stop(): void {
    this.run.stopRequested = true;
    this.wake?.();
    // Not started: release the file now; a later start() resolves `stopped` at once.
    if (!this.started) void this.file.close();
  }

  stats(): SourceStats {
    return { received: this.run.received, dropped: this.parser.dropped() };
  }
}
