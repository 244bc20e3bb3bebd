import type { ByteBudget } from '../byte-budget.js';
import type { StreamConsumer } from '../stream-consumer.js';
import type { StreamStats } from '../stream-stats.js';
import { BodyFraming, BodyReader } from './body-reader.js';
import { HeadBuffer } from './head-buffer.js';
import { splitHead } from './head-lines.js';
import { headerValue, type HttpExchange, type LoginAttempt } from './http-message.js';
import { contentLength } from './http-request-parser.js';

/** Where answers go: each final response with the request it answers, and protocol switches. */
export interface HttpResponseSink {
  onExchange(exchange: HttpExchange): void;
  /** 101 Switching Protocols or an accepted CONNECT: the connection no longer carries HTTP. */
  onTunnel(): void;
}

/** Requests waiting for their answer; older ones are dropped past this (their answers pair with null). */
export const MAX_PENDING_REQUESTS = 32;

const HEAD = 0;
const BODY = 1;
const INERT = 2;

/**
 * HTTP/1.x responses from the server side of a reassembled stream: the status of every
 * response, paired in order with the requests the client sent (pipelining keeps that order).
 * Bodies are never kept: their framing is followed so the next response is found, and the
 * reassembler passes over their bytes without holding them.
 */
export class HttpResponseParser implements StreamConsumer {
  private state = HEAD;
  private readonly head: HeadBuffer;
  private readonly body: BodyReader;
  /** Requests of this connection not answered yet, oldest first. */
  readonly pending: LoginAttempt[] = [];
  droppedRequests = 0;

  constructor(
    maxHeadBytes: number,
    budget: ByteBudget,
    owner: unknown,
    private readonly sink: HttpResponseSink,
    private readonly stats: StreamStats,
  ) {
    this.head = new HeadBuffer(maxHeadBytes, budget, owner);
    this.body = new BodyReader(0, budget, owner);
  }

  /** A request was sent on this connection. */
  expect(request: LoginAttempt): void {
    if (this.pending.length >= MAX_PENDING_REQUESTS) {
      this.pending.shift();
      this.droppedRequests++;
    }
    this.pending.push(request);
  }

  skippable(): number {
    if (this.state === BODY) return this.body.skippable();
    return this.state === INERT ? Number.MAX_SAFE_INTEGER : 0;
  }

  data(buf: Buffer, off: number, len: number): void {
    let i = off;
    const end = off + len;
    while (i < end && this.state !== INERT) {
      if (this.state === HEAD) {
        if (this.head.empty) {
          while (i < end && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
          if (i === end) return;
          if (buf[i] !== 0x48 /* H */) {
            this.state = INERT;
            return;
          }
        }
        i += this.head.feed(buf, i, end - i);
        if (this.head.complete) this.finishHead();
      } else {
        i += this.body.feed(buf, i, end - i);
        if (this.body.done) this.state = HEAD;
        else if (this.body.broken) this.state = INERT;
      }
    }
  }

  gap(n: number): void {
    if (this.state === BODY && this.body.gap(n)) {
      if (this.body.done) this.state = HEAD;
      return;
    }
    // A response head or a chunk line was lost: where the next response starts is unknown.
    this.state = INERT;
  }

  end(): void {
    this.state = INERT;
  }

  release(): void {
    this.head.release();
    this.body.release();
    this.state = INERT;
  }

  private finishHead(): void {
    const { startLine, headers } = splitHead(this.head.buf!, this.head.len);
    this.head.reset();
    const m = /^HTTP\/\d(?:\.\d)?[ \t]+([0-9]{3})\b/.exec(startLine);
    if (m === null) {
      this.state = INERT;
      return;
    }
    const status = Number(m[1]);
    if (status < 200 && status !== 101) return; // interim (100 Continue …): the final answer follows
    this.stats.responses++;
    const request = this.pending.shift() ?? null;
    const challenge = headerValue(headers, 'www-authenticate');
    this.sink.onExchange({ request, status, challenge: challenge === null || challenge === '' ? null : challenge.split(/[ \t,]/)[0]!.toLowerCase() });
    if (status === 101 || (request?.method === 'CONNECT' && status >= 200 && status < 300)) {
      this.state = INERT;
      this.sink.onTunnel();
      return;
    }
    let framing: number = BodyFraming.UNTIL_CLOSE;
    let length = 0;
    const te = headerValue(headers, 'transfer-encoding');
    if (request?.method === 'HEAD' || status === 204 || status === 304) framing = BodyFraming.NONE;
    else if (te !== null) framing = te.toLowerCase().replace(/\s+/g, '').endsWith('chunked') ? BodyFraming.CHUNKED : BodyFraming.UNTIL_CLOSE;
    else if (headerValue(headers, 'content-length') !== null) {
      length = contentLength(headers);
      framing = BodyFraming.LENGTH;
    }
    this.body.begin(framing, length);
    this.state = this.body.done ? HEAD : BODY;
  }
}
