import { TcpFlag, type Packet } from '../../decode/packet.js';
import type { ByteBudget } from './byte-budget.js';
import type { HttpExchange, HttpRequest } from './http/http-message.js';
import { HttpRequestParser, type HttpLimits, type HttpRequestSink } from './http/http-request-parser.js';
import { HttpResponseParser, type HttpResponseSink } from './http/http-response-parser.js';
import { LoginTracker, type LoginProtocol, type LoginReply, type LoginSink } from './login/login-tracker.js';
import { SegmentReassembler } from './segment-reassembler.js';
import type { StreamConsumer } from './stream-consumer.js';
import type { StreamInfo, StreamListener } from './stream-listener.js';
import type { StreamStats } from './stream-stats.js';

/** What every stream of a table shares: limits, memory, counters, the clock and the listeners. */
export interface StreamShared {
  readonly budget: ByteBudget;
  readonly stats: StreamStats;
  readonly http: HttpLimits;
  /** Bytes held out of order per direction at most. */
  readonly maxHeldBytes: number;
  /** Packet time of the event being processed, µs. */
  now: number;
  readonly onRequest: readonly StreamListener[];
  readonly onBody: readonly StreamListener[];
  readonly onExchange: readonly StreamListener[];
  readonly onLogin: readonly StreamListener[];
}

/** A FIN whose sequence number is not reached yet (data before it still missing). */
const NO_FIN = -1;

/**
 * Both directions of one inspected TCP connection: a reassembler each, feeding the parsers of
 * its protocol (HTTP requests and responses, or the login lines of FTP / POP3 / IMAP / SMTP),
 * whose events go to the listeners.
 */
export class TcpStream implements HttpRequestSink, HttpResponseSink, LoginSink {
  readonly c2s: SegmentReassembler;
  readonly s2c: SegmentReassembler;
  private readonly requests: HttpRequestParser | null = null;
  private readonly responses: HttpResponseParser | null = null;
  private finC2s = NO_FIN;
  private finS2c = NO_FIN;
  lastSeen = 0;

  constructor(
    private readonly shared: StreamShared,
    readonly info: StreamInfo,
    /** The flow table's originator is the client (false when the capture saw the server speak first). */
    readonly clientIsOrig: boolean,
    /** The connection's first bytes are in view (its handshake was seen). */
    fromStart: boolean,
  ) {
    let client: StreamConsumer;
    let server: StreamConsumer;
    if (info.app === 'HTTP') {
      const requests = new HttpRequestParser(shared.http, shared.budget, this, this, shared.stats, fromStart);
      const responses = new HttpResponseParser(shared.http.maxHeadBytes, shared.budget, this, this, shared.stats);
      this.requests = requests;
      this.responses = responses;
      client = requests;
      server = responses;
    } else {
      const login = new LoginTracker(info.app as LoginProtocol, this);
      client = login.client;
      server = login.server;
    }
    this.c2s = new SegmentReassembler(client, shared.budget, shared.maxHeldBytes, shared.stats, this);
    this.s2c = new SegmentReassembler(server, shared.budget, shared.maxHeldBytes, shared.stats, this);
  }

  get closed(): boolean {
    return this.c2s.finished && this.s2c.finished;
  }

  /** One TCP packet of the connection (with data, FIN or RST). */
  segment(pkt: Packet, fromClient: boolean): void {
    const dir = fromClient ? this.c2s : this.s2c;
    const other = fromClient ? this.s2c : this.c2s;
    const flags = pkt.tcpFlags;
    if ((flags & TcpFlag.ACK) !== 0) other.peerAck(pkt.tcpAck);
    const seq = (flags & TcpFlag.SYN) !== 0 ? (pkt.tcpSeq + 1) >>> 0 : pkt.tcpSeq;
    if ((flags & TcpFlag.RST) !== 0) {
      // Hosts act on a reset only at exactly the next expected sequence number (RFC 5961):
      // an off-window RST that the target ignores must not end our view of the connection.
      // After a FIN that number is the FIN's own plus one.
      const fin = fromClient ? this.finC2s : this.finS2c;
      if (!dir.started || seq === dir.next || (fin !== NO_FIN && dir.finished && seq === ((fin + 1) >>> 0))) this.finish();
      return;
    }
    const captured = pkt.payloadLen;
    let wire = captured;
    if (pkt.snapCut && pkt.payloadOffset !== 0) {
      const claimed = pkt.ipTotalLen - (pkt.payloadOffset - pkt.ipOffset);
      if (claimed > wire) wire = claimed;
    }
    if (wire > 0) dir.segment(seq, pkt.buf, pkt.payloadOffset, captured, wire - captured);
    if ((flags & TcpFlag.FIN) !== 0) {
      const fin = (seq + wire) >>> 0;
      if (fromClient) this.finC2s = fin;
      else this.finS2c = fin;
    }
    // A FIN ends its direction once every byte before it arrived (an early FIN sent out of order
    // does not cut off data the target still waits for).
    if (this.finC2s !== NO_FIN && this.c2s.started && this.c2s.next === this.finC2s) this.c2s.finish();
    if (this.finS2c !== NO_FIN && this.s2c.started && this.s2c.next === this.finS2c) this.s2c.finish();
  }

  /** Ends both directions: held data is delivered with its holes, parsers see the end. */
  finish(): void {
    this.c2s.finish();
    this.s2c.finish();
  }

  /** Gives every byte back to the budget (after finish, or instead of it). */
  release(): void {
    this.c2s.release();
    this.s2c.release();
    this.requests?.release();
    this.responses?.release();
  }

  onRequest(req: HttpRequest): void {
    this.responses?.expect(req.login);
    for (const l of this.shared.onRequest) l.onHttpRequest!(req, this.info, this.shared.now);
  }

  onBody(req: HttpRequest): void {
    for (const l of this.shared.onBody) l.onHttpBody!(req, this.info, this.shared.now);
  }

  onExchange(exchange: HttpExchange): void {
    for (const l of this.shared.onExchange) l.onHttpExchange!(exchange, this.info, this.shared.now);
  }

  onTunnel(): void {
    // After 101 or an accepted CONNECT the client's bytes are another protocol; a request line
    // that still shows up in them (plain HTTP through a tunnel) is found by resynchronising.
    this.requests?.stop();
    this.requests?.resync();
  }

  onLoginReply(reply: LoginReply): void {
    this.shared.stats.loginReplies++;
    for (const l of this.shared.onLogin) l.onLoginReply!(reply, this.info, this.shared.now);
  }
}
