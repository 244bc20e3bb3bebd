/**
 * Last-resort bench input: a large SYN-flood pcap built from the real frames of a small recorded
 * fixture (fixtures/hping3-synflood*.pcap), repeated in rounds with rewritten attacker-side TCP
 * ports, (for spoofed floods) rewritten source addresses, fixed IPv4/TCP checksums and shifted
 * timestamps so the result is monotonic and looks like one long flood.
 *
 * Only used when scripts/record-synflood.sh is missing or fails; the bench says which it is.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Frame {
  tsMicros: number;
  data: Buffer;
  wireLen: number;
}

/** Reads a capture (pcap or pcapng) by letting tcpdump rewrite it as classic µs pcap first. */
function readFrames(path: string): { linkType: number; frames: Frame[] } {
  const dir = mkdtempSync(join(tmpdir(), 'snoopy-bench-'));
  try {
    const tmp = join(dir, 'in.pcap');
    execFileSync('tcpdump', ['-r', path, '-w', tmp], { stdio: ['ignore', 'ignore', 'ignore'] });
    const buf = readFileSync(tmp);
    const magic = buf.readUInt32LE(0);
    let le: boolean;
    if (magic === 0xa1b2c3d4) le = true;
    else if (magic === 0xd4c3b2a1) le = false;
    else throw new Error(`${path}: unexpected pcap magic ${magic.toString(16)} after tcpdump -w`);
    const u32 = (p: number): number => (le ? buf.readUInt32LE(p) : buf.readUInt32BE(p));
    const linkType = u32(20) & 0x0fffffff;
    const frames: Frame[] = [];
    let pos = 24;
    while (pos + 16 <= buf.length) {
      const incl = u32(pos + 8);
      const tsMicros = u32(pos) * 1e6 + u32(pos + 4);
      frames.push({ tsMicros, data: Buffer.from(buf.subarray(pos + 16, pos + 16 + incl)), wireLen: u32(pos + 12) });
      pos += 16 + incl;
    }
    return { linkType, frames };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function onesComplementSum(buf: Buffer, start: number, end: number, initial: number): number {
  let sum = initial;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (buf[i]! << 8) | buf[i + 1]!;
  if (i < end) sum += buf[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** Recomputes the IPv4 header and TCP checksums of an Ethernet/IPv4/TCP frame in place. */
function fixChecksums(f: Buffer, ip: number, ihl: number, ipTotal: number): void {
  f.writeUInt16BE(0, ip + 10);
  f.writeUInt16BE(fold(onesComplementSum(f, ip, ip + ihl, 0)), ip + 10);
  const tcp = ip + ihl;
  const tcpEnd = Math.min(ip + ipTotal, f.length);
  if (tcpEnd - tcp < 18) return; // checksum field not captured
  const tcpLen = ip + ipTotal - tcp;
  f.writeUInt16BE(0, tcp + 16);
  let pseudo = onesComplementSum(f, ip + 12, ip + 20, 0); // src + dst address
  pseudo += 6 + tcpLen;
  f.writeUInt16BE(fold(onesComplementSum(f, tcp, tcpEnd, pseudo)), tcp + 16);
}

export interface SynthOptions {
  fixture: string;
  out: string;
  packets: number;
  /** Rewrite every SYN's source address with a fresh pseudo-random one (spoofed flood). */
  randSource: boolean;
}

/** xorshift32: deterministic, so the same synthesized file comes out every time. */
function makeRandom(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function synthesizeFlood(options: SynthOptions): { packets: number; bytes: number } {
  const { linkType, frames } = readFrames(options.fixture);
  if (linkType !== 1) throw new Error(`${options.fixture}: link type ${linkType}, expected Ethernet (1)`);
  if (frames.length === 0) throw new Error(`${options.fixture}: no frames`);
  const first = frames[0]!.tsMicros;
  const last = frames[frames.length - 1]!.tsMicros;
  const meanGap = frames.length > 1 ? Math.max(1, Math.round((last - first) / (frames.length - 1))) : 1;
  const roundSpan = last - first + meanGap;

  // The victim is the destination of the first SYN; the other side's ports (and, for spoofed
  // floods, addresses) are what we rewrite per round.
  let victim = -1;
  const attackerPorts = new Set<number>();
  for (const fr of frames) {
    const d = fr.data;
    if (d.length < 14 + 20 + 14 || d.readUInt16BE(12) !== 0x0800 || d[23] !== 6) continue;
    const ihl = (d[14]! & 0x0f) * 4;
    const flags = d[14 + ihl + 13]!;
    if (victim < 0 && (flags & 0x12) === 0x02) victim = d.readUInt32BE(30);
    if (d.readUInt32BE(30) === victim) attackerPorts.add(d.readUInt16BE(14 + ihl));
  }
  if (victim < 0) throw new Error(`${options.fixture}: no IPv4 TCP SYN found`);
  const portShift = Math.max(1, attackerPorts.size);
  const random = makeRandom(0x5eed1234);

  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const chunks: Buffer[] = [header];
  let bytes = 24;
  // Spoofed floods: a reply to a spoofed SYN goes to that spoofed address, so keep the mapping
  // original address -> rewritten address for the current round.
  const spoofMap = new Map<number, number>();
  const spoof = (orig: number): number => {
    let r = spoofMap.get(orig);
    if (r === undefined) {
      r = (random() | 0x01000000) >>> 0; // never 0.x.x.x
      spoofMap.set(orig, r);
    }
    return r;
  };
  for (let n = 0; n < options.packets; n++) {
    const round = Math.floor(n / frames.length);
    const src = frames[n % frames.length]!;
    if (n % frames.length === 0) spoofMap.clear();
    const f = Buffer.from(src.data);
    if (round > 0 && f.length >= 14 + 20 && f.readUInt16BE(12) === 0x0800 && f[14]! >> 4 === 4) {
      const ip = 14;
      const ihl = (f[ip]! & 0x0f) * 4;
      const total = f.readUInt16BE(ip + 2);
      const toVictim = f.readUInt32BE(ip + 16) === victim;
      const fromVictim = f.readUInt32BE(ip + 12) === victim;
      if (toVictim || fromVictim) {
        if (options.randSource) {
          const at = toVictim ? ip + 12 : ip + 16;
          f.writeUInt32BE(spoof(f.readUInt32BE(at)), at);
        }
        if (f[ip + 9] === 6 && f.length >= ip + ihl + 4) {
          const portAt = toVictim ? ip + ihl : ip + ihl + 2;
          const port = f.readUInt16BE(portAt);
          f.writeUInt16BE(((port - 1 + round * portShift) % 65535) + 1, portAt);
        }
        fixChecksums(f, ip, ihl, total);
      }
    }
    const ts = src.tsMicros + round * roundSpan;
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(Math.floor(ts / 1e6), 0);
    rec.writeUInt32LE(ts % 1e6, 4);
    rec.writeUInt32LE(f.length, 8);
    rec.writeUInt32LE(src.wireLen, 12);
    chunks.push(rec, f);
    bytes += 16 + f.length;
  }
  writeFileSync(options.out, Buffer.concat(chunks, bytes));
  return { packets: options.packets, bytes };
}
