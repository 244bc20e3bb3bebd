import type { FailureFacts } from './auth-event.js';

/** What the lines of one daemon process (one connection: "sshd[4242]") said so far. */
export interface LogConnection {
  /** The client address its lines named where the daemon writes it; null before any did. */
  peer: string | null;
  port: number | null;
  /** Failures written before any line named the client ("Disconnecting: Too many …" first). */
  pending: FailureFacts[];
}

/** Failures kept per connection until its client is named; more are dropped and counted. */
const MAX_PENDING = 8;

/**
 * The connections of the auth log by daemon process, bounded: past `capacity` the least
 * recently written-to is forgotten and counted. A process id is reused only after its process
 * ended, so a new address for a known id is a new connection.
 */
export class ConnectionTable {
  private readonly map = new Map<string, LogConnection>();
  evicted = 0;
  droppedPending = 0;

  constructor(private readonly capacity = 4096) {}

  get(key: string): LogConnection | undefined {
    return this.map.get(key);
  }

  /** The connection, made the most recent (created when new). */
  touch(key: string): LogConnection {
    let c = this.map.get(key);
    if (c !== undefined) this.map.delete(key);
    else {
      if (this.map.size >= this.capacity) {
        this.map.delete(this.map.keys().next().value as string);
        this.evicted++;
      }
      c = { peer: null, port: null, pending: [] };
    }
    this.map.set(key, c);
    return c;
  }

  /** Keeps a failure until the connection's client is named. */
  hold(key: string, failure: FailureFacts): void {
    const c = this.touch(key);
    if (c.pending.length >= MAX_PENDING) this.droppedPending++;
    else c.pending.push(failure);
  }

  /** Records the client a line named; returns the failures that waited for it. */
  place(key: string, peer: string, port: number | null): FailureFacts[] {
    const c = this.touch(key);
    if (c.peer !== peer || port !== null) c.port = port;
    c.peer = peer;
    if (c.pending.length === 0) return [];
    const waiting = c.pending;
    c.pending = [];
    return waiting;
  }

  get size(): number {
    return this.map.size;
  }
}
