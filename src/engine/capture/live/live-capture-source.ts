import { endianness } from 'node:os';
import { defaultRouteInterface, listInterfaceNames } from '../../../platform/network-interfaces.js';
import { LinkType } from '../link-type.js';
import { SourceOpenError, type PacketSink, type PacketSource, type SourceEnd, type SourceStats } from '../packet-source.js';
import { KernelDropCounter } from './kernel-drop-counter.js';
import { loadCap, type CapHandle } from './load-cap.js';

export interface LiveCaptureOptions {
  /** Interface name, 'any', or null for the interface of the default route. */
  interface: string | null;
  bpf: string | null;
  /** libpcap's kernel ring buffer; large, so a burst does not drop packets. */
  bufferBytes: number;
}

/**
 * cap 0.2.1 leaves a handle whose open() failed half set up: closing it, or letting the garbage
 * collector finalize it, aborts Node (uv_poll_stop on a handle that was never started). And a
 * handle that opened and was closed only stops its libuv poll handle without closing it: once the
 * garbage collector frees the handle, libuv still lists that memory (a crash at a later turn of
 * the event loop). Both kinds are kept reachable here for the life of the process instead, with
 * their buffers; there is one per open, and a process opens a capture once or a few times.
 */
const abandonedHandles: CapHandle[] = [];
/** The buffers of those handles: the binding keeps only a raw pointer into each. */
const abandonedBuffers: Buffer[] = [];

/** One packet never exceeds this (cap sets snaplen 65535). */
const PACKET_BUFFER_BYTES = 65_536;
/** In batch mode the buffer holds many packets, each after a 16-byte record header. */
const BATCH_BUFFER_BYTES = 1 << 20;
const BATCH_RECORD_HEADER = 16;

/**
 * Live capture through libpcap (`cap`). With the batch mode scripts/patch-cap.mjs adds, `cap`
 * fills one shared Buffer with every packet libpcap has ready (each with its capture length,
 * original length and kernel timestamp) and makes one call per buffer; unpatched, it makes one
 * call per packet with only its length, and packets are stamped on arrival with a microsecond
 * wall clock. Either way it drains the kernel ring in one synchronous loop, so the pipeline's own
 * packet counter, not a timer, must drive periodic work under load.
 */
export class LiveCaptureSource implements PacketSource {
  readonly kind = 'live' as const;
  readonly description: string;
  readonly linkType: number;
  private readonly handle: CapHandle;
  private readonly buffer: Buffer;
  /** Packets come in batches (patched cap), not one call each. */
  readonly batched: boolean;
  private received = 0;
  private readonly drops = new KernelDropCounter();
  private resolveEnd: ((end: SourceEnd) => void) | null = null;

  constructor(options: LiveCaptureOptions) {
    const iface = options.interface ?? defaultRouteInterface();
    if (iface === null) {
      throw new SourceOpenError(`no default route, so no default interface: pick one with -i (interfaces here: ${listInterfaceNames().join(', ')})`);
    }
    const known = listInterfaceNames();
    if (!known.includes(iface)) {
      throw new SourceOpenError(`unknown interface '${iface}'; interfaces here: ${known.join(', ')}`);
    }
    this.description = iface;
    const { Cap } = loadCap();
    this.handle = new Cap();
    this.batched = typeof this.handle.setBatchMode === 'function';
    this.buffer = Buffer.alloc(this.batched ? BATCH_BUFFER_BYTES : PACKET_BUFFER_BYTES);
    let linkName: string;
    try {
      linkName = this.handle.open(iface, options.bpf ?? '', options.bufferBytes, this.buffer);
    } catch (e) {
      abandonedHandles.push(this.handle);
      abandonedBuffers.push(this.buffer);
      const message = (e as Error).message;
      if (options.bpf !== null && opensWithoutFilter(iface, options.bufferBytes)) {
        // The device is fine, so the filter is what libpcap refused (unknown port, bad prefix …).
        throw new SourceOpenError(`bad --bpf filter '${options.bpf}': ${message}`);
      }
      throw new SourceOpenError(explainOpenError(iface, options.bpf, message));
    }
    const linkType = linkTypeFromCap(linkName);
    if (linkType === null) {
      this.handle.close();
      abandonedHandles.push(this.handle);
      abandonedBuffers.push(this.buffer);
      throw new SourceOpenError(`interface '${iface}' has link type ${linkName}, which snoopy-tui cannot decode (supported: Ethernet, Linux cooked, raw IP, BSD loopback)`);
    }
    this.linkType = linkType;
    if (this.batched) this.handle.setBatchMode!(true);
  }

  start(sink: PacketSink): Promise<SourceEnd> {
    const buf = this.buffer;
    const linkType = this.linkType;
    if (this.batched) {
      const le = endianness() === 'LE';
      this.handle.on('batch', (bytes: number, count: number) => {
        let off = 0;
        for (let i = 0; i < count && off + BATCH_RECORD_HEADER <= bytes; i++) {
          const capLen = le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
          const start = off + BATCH_RECORD_HEADER;
          if (start + capLen > bytes) break; // the binding writes whole records: never
          const wireLen = le ? buf.readUInt32LE(off + 4) : buf.readUInt32BE(off + 4);
          const sec = le ? buf.readUInt32LE(off + 8) : buf.readUInt32BE(off + 8);
          const usec = le ? buf.readUInt32LE(off + 12) : buf.readUInt32BE(off + 12);
          this.received++;
          // A copy shorter than the packet (snaplen) keeps its original length: decoders see it as cut.
          sink(buf, start, capLen, wireLen > capLen ? wireLen : capLen, sec * 1e6 + usec, linkType);
          off = start + capLen;
        }
      });
      return new Promise<SourceEnd>((resolve) => {
        this.resolveEnd = resolve;
      });
    }
    const clockBase = performance.timeOrigin * 1000;
    this.handle.on('packet', (nbytes: number, truncated: boolean) => {
      this.received++;
      // cap reports no original length; a truncated copy is marked by a larger wire length
      // so decoders treat missing bytes as cut, not malformed.
      sink(buf, 0, nbytes, truncated ? nbytes + 1 : nbytes, clockBase + performance.now() * 1000, linkType);
    });
    return new Promise<SourceEnd>((resolve) => {
      this.resolveEnd = resolve;
    });
  }

  stop(): void {
    this.handle.removeAllListeners('packet');
    this.handle.removeAllListeners('batch');
    // Last reading before close: afterwards the handle has no counters to ask.
    this.sampleDrops();
    try {
      this.handle.close();
    } catch {
      // already closed
    }
    abandonedHandles.push(this.handle);
    abandonedBuffers.push(this.buffer);
    const resolve = this.resolveEnd;
    this.resolveEnd = null;
    resolve?.({ reason: 'stopped' });
  }

  stats(): SourceStats {
    this.sampleDrops();
    return { received: this.received, dropped: this.drops.total };
  }

  private sampleDrops(): void {
    if (typeof this.handle.stats !== 'function') return; // unpatched cap: drops stay unknown (null)
    const kernel = this.handle.stats();
    if (kernel !== null) this.drops.sample(kernel.dropped);
  }
}

/** cap has no separate set-filter call: to tell a bad filter from a bad device, open without one. */
function opensWithoutFilter(iface: string, bufferBytes: number): boolean {
  const { Cap } = loadCap();
  const probe = new Cap();
  try {
    const buffer = Buffer.alloc(PACKET_BUFFER_BYTES);
    probe.open(iface, '', Math.min(bufferBytes, 1 << 20), buffer);
    probe.close();
    abandonedHandles.push(probe);
    abandonedBuffers.push(buffer);
    return true;
  } catch {
    abandonedHandles.push(probe);
    return false;
  }
}

function linkTypeFromCap(name: string): number | null {
  switch (name) {
    case 'ETHERNET':
      return LinkType.ETHERNET;
    case 'NULL':
      return LinkType.NULL;
    case 'LINKTYPE_LINUX_SLL':
      return LinkType.LINUX_SLL;
    case 'RAW':
      return LinkType.RAW;
    default: {
      // cap names other DLTs "Unknown linktype N"; the ones we decode have equal LINKTYPE numbers.
      const m = /Unknown linktype (\d+)/.exec(name);
      const n = m ? Number(m[1]) : -1;
      if (n === LinkType.LINUX_SLL2 || n === LinkType.LOOP || n === LinkType.IPV4 || n === LinkType.IPV6) return n;
      return null;
    }
  }
}

function explainOpenError(iface: string, bpf: string | null, message: string): string {
  if (/permission|not permitted|EPERM|EACCES/i.test(message)) {
    return `live capture on '${iface}' needs root or the CAP_NET_RAW and CAP_NET_ADMIN capabilities (run with sudo, or use --replay FILE)`;
  }
  if (/no such device|doesn't exist/i.test(message)) {
    return `unknown interface '${iface}'; interfaces here: ${listInterfaceNames().join(', ')}`;
  }
  if (bpf !== null && /syntax|expression|filter|parse/i.test(message)) {
    return `bad --bpf filter '${bpf}': ${message}`;
  }
  return `cannot capture on '${iface}': ${message}`;
}
