/**
 * One interface for every packet source (live libpcap capture, pcap and pcapng files).
 *
 * The hot path is a plain callback with numbers, not an object per packet: a source hands
 * out a view into a buffer it owns and may overwrite the bytes as soon as the call returns.
 */

/**
 * Receives one frame. `buf[offset, offset + capLen)` holds the captured bytes; they are only
 * valid during the call. `tsMicros` is the capture time in microseconds since the Unix epoch
 * (a double: exact to the microsecond until the year 2255). `wireLen` is the original length
 * on the wire (≥ capLen when the snapshot length cut the frame).
 */
export type PacketSink = (
  buf: Buffer,
  offset: number,
  capLen: number,
  wireLen: number,
  tsMicros: number,
  linkType: number,
) => void;

/** Why a source stopped. `error` is one human-readable line; packets before it were delivered. */
export interface SourceEnd {
  reason: 'eof' | 'stopped' | 'error';
  error?: string;
}

export interface SourceStats {
  /** Frames handed to the sink. */
  received: number;
  /** Frames the kernel dropped, or null when the source cannot tell. */
  dropped: number | null;
}

export interface PacketSource {
  /** What the header shows: the interface name or the file path. */
  readonly description: string;
  /** `live` sources use wall-clock time, `file` sources use recorded time. */
  readonly kind: 'live' | 'file';
  /**
   * Starts delivering packets. Resolves once the source has ended (end of file, stop(), or
   * an error) — never rejects for bad input; the reason says what happened.
   */
  start(sink: PacketSink): Promise<SourceEnd>;
  /** Asks the source to stop soon; start()'s promise resolves with reason `stopped`. */
  stop(): void;
  stats(): SourceStats;
}

/** Thrown by a source's constructor or open step for problems the user must fix (one line). */
export class SourceOpenError extends Error {
  override readonly name = 'SourceOpenError';
}
