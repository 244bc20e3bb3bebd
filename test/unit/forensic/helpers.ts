import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Alert, AttackType } from '../../../src/model/alert.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { decodeFrame, DecodeResult } from '../../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../../src/engine/decode/malformed.js';
import { IpProto, Packet } from '../../../src/engine/decode/packet.js';
import type { ForensicRecorder } from '../../../src/store/forensic/index.js';
import { ethernet, ipv4, ipv6, sll, tcp } from '../../support/frame-builder.js';

export const SEC = 1_000_000;
export const T0 = Date.UTC(2026, 10, 21, 22, 15, 0) * 1000;

export interface Frame {
  bytes: Buffer;
  tsMicros: number;
  wireLen: number;
  linkType: number;
}

/** An Ethernet (or cooked) TCP frame from src to dst; v6 when the addresses contain ':'. */
export function tcpFrame(src: string, dst: string, dstPort: number, tsMicros: number, opts: { payload?: number; link?: number; wireExtra?: number } = {}): Frame {
  const seg = tcp({ srcPort: 40000 + (dstPort % 1000), dstPort, flags: 0x02, seq: dstPort * 7, payload: Buffer.alloc(opts.payload ?? 0, dstPort & 0xff) });
  const v6 = src.includes(':');
  const ip = v6 ? ipv6(src, dst, IpProto.TCP, seg) : ipv4({ src, dst, proto: IpProto.TCP }, seg);
  const link = opts.link ?? LinkType.ETHERNET;
  const bytes =
    link === LinkType.ETHERNET ? ethernet(ip, v6 ? 0x86dd : 0x0800) : link === LinkType.LINUX_SLL ? sll(ip, v6 ? 0x86dd : 0x0800) : ip;
  return { bytes, tsMicros, wireLen: bytes.length + (opts.wireExtra ?? 0), linkType: link };
}

const counters = new MalformedCounters();
const pkt = new Packet();

/**
 * Decodes the frame as the pipeline does and records it, placed at `offset` inside a larger
 * buffer full of junk that is overwritten afterwards (sources reuse their buffer).
 */
export function feed(rec: ForensicRecorder, f: Frame, scratch = Buffer.alloc(512 * 1024, 0xee)): void {
  const offset = 17;
  f.bytes.copy(scratch, offset);
  const r = decodeFrame(pkt, scratch, offset, f.bytes.length, f.wireLen, f.tsMicros, f.linkType, counters);
  if (r !== DecodeResult.IP) throw new Error(`test frame did not decode as IP (${r})`);
  rec.record(pkt, scratch, offset);
  scratch.fill(0xdd, offset, offset + f.bytes.length);
}

export function fakeAlert(id: string, attackerIp: string, tsMicros: number, attackType: AttackType = 'PORT_SCAN'): Alert {
  return {
    event_type: 'alert',
    id,
    timestamp: new Date(Math.floor(tsMicros / 1000)).toISOString(),
    attack_type: attackType,
    severity: 'high',
    attacker_ip: attackerIp,
    target_ip: null,
    target_port: null,
    protocol: 'tcp',
    packet_count: 1,
    duration: 0,
    reverse_dns: null,
    country: null,
    process: null,
    action: 'logged',
    attack_details: { service: null, first_seen: new Date(Math.floor(tsMicros / 1000)).toISOString(), interface: 'test', platform_info: 'test' },
  };
}

/** Every frame of a capture file, read with our own reader. */
export async function readCapture(path: string): Promise<Frame[]> {
  const source = await openCaptureFile(path);
  const out: Frame[] = [];
  const end = await source.start((buf, offset, capLen, wireLen, tsMicros, linkType) => {
    out.push({ bytes: Buffer.from(buf.subarray(offset, offset + capLen)), tsMicros, wireLen, linkType });
  });
  if (end.reason !== 'eof') throw new Error(`reading ${path}: ${end.reason} ${end.error ?? ''}`);
  return out;
}

export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'snoopy-forensic-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
