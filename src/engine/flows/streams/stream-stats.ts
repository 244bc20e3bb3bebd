/** Counters of the stream layer, for the stats line and tests. Plain numbers, updated in place. */
export class StreamStats {
  /** Streams opened (flows that carried an inspected protocol). */
  opened = 0;
  /** Streams dropped to make room for newer ones (stream count or byte budget). */
  evicted = 0;
  /** Streams closed because their flow went idle or its table slot was reused. */
  expired = 0;
  /** Segments that arrived ahead of the next expected byte and were held. */
  outOfOrder = 0;
  /** Bytes that arrived again after an earlier copy had been taken (the first copy wins). */
  duplicateBytes = 0;
  /** Bytes never seen: lost in the capture, cut by the snapshot length, or given up on. */
  lostBytes = 0;
  /** Holes of that kind that a parser had to resynchronise after. */
  gaps = 0;
  /** Bytes a parser did not need (body bytes past the inspected size) passed over without being held. */
  passedBytes = 0;
  /** Out-of-order data that did not fit a flow's own limit: the hole before it was given up. */
  flowOverflows = 0;
  /** Segments dropped because neither the flow's limit nor the global budget had room. */
  droppedSegments = 0;
  /** Segments more than a receive window ahead of the stream, ignored. */
  beyondWindow = 0;
  /** HTTP requests and responses parsed, login replies seen. */
  requests = 0;
  responses = 0;
  loginReplies = 0;
  /** Request heads longer than the configured maximum (inspected as far as kept). */
  headsTruncated = 0;
}
