/** What one direction of a reassembled TCP stream is delivered to, in order. */
export interface StreamConsumer {
  /** The next `len` bytes of the stream, buf[off, off + len). Valid only during the call. */
  data(buf: Buffer, off: number, len: number): void;
  /**
   * The next `len` bytes will not be delivered: lost in the capture, cut by the snapshot length,
   * given up on, or passed over because the consumer said it did not need them.
   */
  gap(len: number): void;
  /** Bytes from the current position the consumer does not need to see (0: it needs every byte). */
  skippable(): number;
  /** No more bytes will come (FIN, RST, or the stream was dropped). */
  end(): void;
}

/** Needs nothing: a direction nobody parses. */
export const IGNORE_ALL: StreamConsumer = {
  data() {},
  gap() {},
  skippable: () => Number.MAX_SAFE_INTEGER,
  end() {},
};
