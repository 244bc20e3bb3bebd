import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { isIP } from 'node:net';
import { connect, type Socket } from 'node:net';
import { octetCounted } from './rfc5424.js';

export interface RemoteSyslogOptions {
  transport: 'udp' | 'tcp';
  host: string;
  port: number;
  warn(line: string): void;
  /** Messages kept while the collector is unreachable (TCP), oldest dropped first. */
  capacity?: number;
  /** Reconnect delay: from minDelayMs, doubled up to maxDelayMs. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Largest UDP datagram we send (RFC 5426 asks collectors to take 2048 octets). */
export const UDP_MAX_BYTES = 2048;
/** Largest TCP message (rsyslog's default maxMessageSize is 8 KiB). */
export const TCP_MAX_BYTES = 8192;
/** Bytes handed to a TCP socket and not yet written before we keep messages in our queue instead. */
const SOCKET_HIGH_WATER = 256 * 1024;

/**
 * RFC 5424 messages to a remote collector: UDP, one datagram each; or TCP with octet counting,
 * reconnecting with a growing delay while the collector is away and keeping a bounded queue
 * meanwhile. `send` never waits: the packet path only appends.
 */
export class RemoteSyslogTransport {
  readonly maxBytes: number;
  sent = 0;
  dropped = 0;
  failed = 0;
  private readonly queue: Buffer[] = [];
  private readonly capacity: number;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private delay: number;
  private tcp: Socket | null = null;
  private connected = false;
  private udp: UdpSocket | null = null;
  private udpInFlight = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private failing = false;
  private closed = false;

  constructor(private readonly o: RemoteSyslogOptions) {
    this.capacity = o.capacity ?? 1000;
    this.minDelay = o.minDelayMs ?? 500;
    this.maxDelay = o.maxDelayMs ?? 30_000;
    this.delay = this.minDelay;
    this.maxBytes = o.transport === 'udp' ? UDP_MAX_BYTES : TCP_MAX_BYTES;
  }

  /** Where messages go, for messages. */
  get target(): string {
    return `${this.o.transport}://${this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host}:${this.o.port}`;
  }

  send(message: string): void {
    if (this.closed) return;
    if (this.o.transport === 'udp') return this.sendUdp(Buffer.from(message, 'utf8'));
    if (this.queue.length >= this.capacity) {
      this.queue.shift();
      this.dropped++;
    }
    this.queue.push(octetCounted(message));
    if (this.tcp === null && this.reconnectTimer === null) this.connectTcp();
    else this.flushTcp();
  }

  /** Writes what is queued (bounded wait), then closes the socket. */
  async close(graceMs = 2000): Promise<void> {
    this.closed = true;
    if (this.reconnectTimer !== null) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.tcp;
    if (socket !== null) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => (socket.destroy(), resolve()), graceMs);
        socket.once('close', () => (clearTimeout(timer), resolve()));
        if (this.connected) this.flushTcp();
        socket.end();
      });
    }
    const udp = this.udp;
    if (udp !== null) {
      const deadline = Date.now() + graceMs;
      while (this.udpInFlight > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      udp.close();
    }
  }

  private sendUdp(datagram: Buffer): void {
    if (this.udpInFlight >= this.capacity) {
      this.dropped++;
      return;
    }
    if (this.udp === null) {
      this.udp = createSocket(isIP(this.o.host) === 6 ? 'udp6' : 'udp4');
      this.udp.on('error', (e) => this.problem(e.message));
      this.udp.unref();
    }
    this.udpInFlight++;
    this.udp.send(datagram, this.o.port, this.o.host, (e) => {
      this.udpInFlight--;
      if (e) {
        this.failed++;
        this.problem(e.message);
      } else {
        this.sent++;
        this.recovered();
      }
    });
  }

  private connectTcp(): void {
    this.reconnectTimer = null;
    if (this.closed) return;
    const socket = connect({ host: this.o.host, port: this.o.port });
    this.tcp = socket;
    socket.setKeepAlive(true, 30_000);
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.connected = true;
      this.delay = this.minDelay;
      this.recovered();
      this.flushTcp();
    });
    socket.on('drain', () => this.flushTcp());
    socket.on('error', (e) => this.problem(e.message));
    socket.on('close', () => {
      this.tcp = null;
      this.connected = false;
      if (this.closed) return;
      this.reconnectTimer = setTimeout(() => this.connectTcp(), this.delay);
      this.reconnectTimer.unref();
      this.delay = Math.min(this.maxDelay, this.delay * 2);
    });
    // Nothing to say and no connection: the process need not wait for the collector.
    socket.unref();
  }

  private flushTcp(): void {
    const socket = this.tcp;
    if (socket === null || !this.connected) return;
    socket.ref();
    while (this.queue.length > 0 && socket.writableLength < SOCKET_HIGH_WATER) {
      socket.write(this.queue.shift()!);
      this.sent++;
    }
    if (this.queue.length === 0) socket.unref();
  }

  private problem(why: string): void {
    if (!this.failing) this.o.warn(`syslog ${this.target}: ${why}; ${this.o.transport === 'tcp' ? 'reconnecting, messages queued' : 'messages lost meanwhile'}`);
    this.failing = true;
  }

  private recovered(): void {
    if (this.failing) this.o.warn(`syslog ${this.target}: sending again`);
    this.failing = false;
  }
}
