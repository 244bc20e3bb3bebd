import type { ByteBudget } from '../byte-budget.js';
import type { StreamConsumer } from '../stream-consumer.js';
import type { StreamStats } from '../stream-stats.js';
import { BodyFraming, BodyReader } from './body-reader.js';
import { HeadBuffer } from './head-buffer.js';
import { splitHead } from './head-lines.js';
import { headerValue, type HttpHeader, type HttpRequest } from './http-message.js';
import { isMethodToken, KNOWN_METHODS } from './http-methods.js';
import { hasPasswordField, loginAttemptOf } from './login-attempt.js';

export interface HttpLimits {
  /** Bytes of a message head kept (request line and headers); longer heads are read as far as this. */
  maxHeadBytes: number;
  /** Bytes of a request body kept for inspection (after chunked decoding). */
  maxBodyBytes: number;
}

/** Where parsed requests go. */
export interface HttpRequestSink {
  /** A request head: request line and headers (body not read yet). */
  onRequest(req: HttpRequest): void;
  /** The same request once its body was read (only requests that have one). */
  onBody(req: HttpRequest): void;
}

const HEAD = 0;
const BODY = 1;
/** Looking for the next request after bytes that could not be followed (a gap, a broken head). */
const RESYNC = 2;
/** Not HTTP (TLS on port 80, another protocol): nothing more is read. */
const INERT = 3;

const MAX_TOKEN = 20;

/**
 * HTTP/1.x requests from the client side of a reassembled stream: every request of the
 * connection (keep-alive and pipelining), every header, and the first bytes of each body,
 * framed by Content-Length or chunked transfer coding (the latter wins when both are sent, as
 * RFC 9112 says). A stream whose first bytes are not a request is left alone; after a gap the
 * parser looks for the next line that starts with a known method.
 */
export class HttpRequestParser implements StreamConsumer {
  private state = HEAD;
  private readonly head: HeadBuffer;
  private readonly body: BodyReader;
  private current: HttpRequest | null = null;
  private index = 0;
  private atLineStart = true;
  private readonly token = Buffer.alloc(MAX_TOKEN);
  private tokenLen = 0;

  constructor(
    limits: HttpLimits,
    budget: ByteBudget,
    owner: unknown,
    private readonly sink: HttpRequestSink,
    private readonly stats: StreamStats,
    /** The stream starts at the connection's first byte (its handshake was seen). */
    private readonly fromStart: boolean,
  ) {
    this.head = new HeadBuffer(limits.maxHeadBytes, budget, owner);
    this.body = new BodyReader(limits.maxBodyBytes, budget, owner);
    if (!fromStart) this.state = RESYNC;
  }

  get inert(): boolean {
    return this.state === INERT;
  }

  /** Stop reading (the connection became a tunnel or another protocol). */
  stop(): void {
    this.state = INERT;
  }

  /** Look for requests again from the next line (after a refused upgrade or tunnel). */
  resync(): void {
    if (this.state === INERT) {
      this.state = RESYNC;
      this.atLineStart = true;
    }
  }

  skippable(): number {
    if (this.state === BODY) return this.body.skippable();
    return this.state === INERT ? Number.MAX_SAFE_INTEGER : 0;
  }

  data(buf: Buffer, off: number, len: number): void {
    let i = off;
    const end = off + len;
    while (i < end) {
      switch (this.state) {
        case INERT:
          return;
        case HEAD: {
          if (this.head.empty) {
            while (i < end && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
            if (i === end) return;
            const b = buf[i]!;
            if (b < 0x41 || b > 0x5a) {
              this.notARequest();
              continue;
            }
          }
          i += this.head.feed(buf, i, end - i);
          if (this.head.complete) this.finishHead();
          break;
        }
        case BODY:
          i += this.body.feed(buf, i, end - i);
          if (this.body.done) this.finishBody(HEAD);
          else if (this.body.broken) this.finishBody(RESYNC);
          break;
        case RESYNC:
          i = this.seek(buf, i, end);
          break;
      }
    }
  }

  gap(n: number): void {
    switch (this.state) {
      case HEAD:
        if (!this.head.empty) this.partialHead();
        this.toResync();
        break;
      case BODY:
        if (this.body.gap(n)) {
          if (this.body.done) this.finishBody(HEAD);
        } else {
          this.finishBody(RESYNC);
          this.atLineStart = true;
        }
        break;
      case RESYNC:
        this.tokenLen = 0;
        this.atLineStart = true;
        break;
    }
  }

  end(): void {
    if (this.state === HEAD && !this.head.empty) this.partialHead();
    else if (this.state === BODY) this.finishBody(INERT);
    this.state = INERT;
  }

  /** Gives the head and body memory back. */
  release(): void {
    this.head.release();
    this.body.release();
    this.state = INERT;
  }

  private notARequest(): void {
    if (this.index === 0 && this.fromStart) this.state = INERT;
    else this.toResync();
  }

  private toResync(): void {
    this.head.reset();
    this.state = RESYNC;
    this.atLineStart = true;
    this.tokenLen = 0;
  }

  private finishHead(): void {
    const req = this.buildRequest(false);
    this.head.reset();
    if (req === null) {
      this.notARequest();
      return;
    }
    const te = transferCodings(req.headers);
    let framing: number = BodyFraming.NONE;
    let length = 0;
    if (te !== null) {
      // A coding list that does not end in chunked leaves a request without a length (RFC 9112 §6.3).
      if (te.endsWith('chunked')) framing = BodyFraming.CHUNKED;
    } else {
      length = contentLength(req.headers);
      if (length > 0) framing = BodyFraming.LENGTH;
    }
    this.sink.onRequest(req);
    if (framing === BodyFraming.NONE) {
      this.state = HEAD;
      return;
    }
    this.body.begin(framing, length);
    this.current = req;
    this.state = BODY;
    // CONNECT and upgrades are followed by other bytes: the response decides (see stop / resync).
  }

  /** The head cut by a gap or the end of the stream: inspected as far as it goes when its request line is whole. */
  private partialHead(): void {
    const buf = this.head.buf;
    if (buf === null || buf.indexOf(0x0a) < 0 || buf.indexOf(0x0a) >= this.head.len) return;
    const req = this.buildRequest(true);
    this.head.reset();
    if (req !== null) this.sink.onRequest(req);
  }

  private buildRequest(cut: boolean): HttpRequest | null {
    const { startLine, headers } = splitHead(this.head.buf!, this.head.len);
    const parts = startLine.split(/[ \t]+/);
    if (parts.length < 2) return null;
    const method = parts[0]!;
    const last = parts[parts.length - 1]!;
    const hasVersion = parts.length >= 3 && /^HTTP\/\d(?:\.\d)?$/i.test(last);
    if (!isMethodToken(method) || (!hasVersion && !KNOWN_METHODS.has(method))) return null;
    const target = parts.slice(1, hasVersion ? -1 : undefined).join(' ');
    const truncated = cut || this.head.truncated;
    if (this.head.truncated) this.stats.headsTruncated++;
    const ctRaw = headerValue(headers, 'content-type');
    const ce = headerValue(headers, 'content-encoding');
    this.stats.requests++;
    return {
      index: this.index++,
      method,
      target,
      version: hasVersion ? last : '',
      requestLine: startLine,
      headers,
      truncated,
      contentType: ctRaw === null ? null : ctRaw.split(';')[0]!.trim().toLowerCase(),
      contentTypeRaw: ctRaw,
      encodedBody: ce !== null && ce.toLowerCase() !== 'identity',
      body: null,
      bodyLength: 0,
      bodyIncomplete: false,
      login: loginAttemptOf(method, target, headers),
    };
  }

  private finishBody(next: number): void {
    const req = this.current;
    this.current = null;
    this.state = next;
    if (next === RESYNC) {
      this.atLineStart = false;
      this.tokenLen = 0;
    }
    if (req === null) return;
    const body = this.body;
    req.body = body.keptLen > 0 ? body.kept!.subarray(0, body.keptLen) : null;
    req.bodyLength = body.seen;
    req.bodyIncomplete = body.incomplete || !body.done;
    if (req.body !== null && !req.encodedBody && !req.login.passwordField) req.login.passwordField = hasPasswordField(req.body.toString('latin1', 0, Math.min(req.body.length, 4096)));
    this.sink.onBody(req);
    req.body = null;
  }

  /** Skips to the next line that starts with a known method and a space, then reads a head from there. */
  private seek(buf: Buffer, i: number, end: number): number {
    while (i < end) {
      if (this.atLineStart) {
        const b = buf[i]!;
        if (b >= 0x41 && b <= 0x5a && this.tokenLen < MAX_TOKEN) {
          this.token[this.tokenLen++] = b;
          i++;
          continue;
        }
        const found = b === 0x20 && this.tokenLen > 0 && KNOWN_METHODS.has(this.token.toString('latin1', 0, this.tokenLen));
        const len = this.tokenLen;
        this.tokenLen = 0;
        this.atLineStart = false;
        if (found) {
          this.head.reset();
          this.head.feed(this.token, 0, len);
          this.state = HEAD;
          return i;
        }
      }
      while (i < end && buf[i] !== 0x0a) i++;
      if (i < end) {
        i++;
        this.atLineStart = true;
      }
    }
    return i;
  }
}

/** The Transfer-Encoding codings, lower case and comma-joined over repeated headers, or null. */
function transferCodings(headers: readonly HttpHeader[]): string | null {
  let out: string | null = null;
  for (const h of headers) if (h.lower === 'transfer-encoding') out = out === null ? h.value : `${out},${h.value}`;
  return out === null ? null : out.toLowerCase().replace(/\s+/g, '');
}

/** The Content-Length (the first valid one), 0 when absent or invalid. */
export function contentLength(headers: readonly HttpHeader[]): number {
  for (const h of headers) {
    if (h.lower !== 'content-length') continue;
    if (/^[0-9]{1,15}$/.test(h.value)) return Number(h.value);
  }
  return 0;
}
