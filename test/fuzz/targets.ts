/**
 * Fuzz targets: every parser that reads untrusted input (packets, capture files,
 * config, history file, filter text). Each target takes raw bytes, so one corpus format serves
 * all (`test/fuzz/corpus/<target>/<name>.bin`), and checks its properties with assertions:
 * never throws, ends in bounded time, counts bad input, stays inside the bytes it was given.
 *
 * Used by fuzz.test.ts (corpus replay + a short run in `npm test`) and scripts/fuzz.ts (the long
 * run, which saves failing inputs into the corpus). The property tests next to each parser
 * (test/unit/decode, capture, store, filter) check more specific contracts; these targets
 * add what those do not: a replayed corpus, junk-invariance of the decoders, exact malformed
 * counting, and the config loader.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { LinkType } from '../../src/engine/capture/link-type.js';
import { ConfigError } from '../../src/config/config-error.js';
import { parseConfigText } from '../../src/config/config-file.js';
import { decodeFrame, DecodeResult } from '../../src/engine/decode/decode-frame.js';
import { parseHttpRequest } from '../../src/engine/decode/http-request.js';
import { MalformedCounters } from '../../src/engine/decode/malformed.js';
import { IpProto, Packet, TcpFlag } from '../../src/engine/decode/packet.js';
import { HistoryStore } from '../../src/store/history/history-store.js';
import { compileFilter, type FilterSubject } from '../../src/filter/index.js';
import { buildPcap, frame as filler, PcapngBuilder, readAll, writeTmp } from '../unit/capture/capture-builder.js';
import { sampleEntry } from '../unit/store/sample-entries.js';
import { ethernet, ext8, ipv4, ipv6, sll, sll2, tcp, udp } from '../support/frame-builder.js';
import { checkReassembly, type ScheduledSegment } from '../support/reassembly-check.js';
import { StreamRig } from '../support/tcp-conversation.js';
import { PayloadSignatureDetector } from '../../src/engine/detectors/payload-signature-detector.js';
import { HttpBruteForceDetector } from '../../src/engine/detectors/http-brute-force-detector.js';
import { SEGMENT_OVERHEAD } from '../../src/engine/flows/streams/segment-reassembler.js';
import { defragmentTarget } from './defragment-target.js';

export interface FuzzTarget {
  readonly name: string;
  /** Inputs worth trying: random bytes and mutations of valid inputs. */
  readonly arbitrary: fc.Arbitrary<Uint8Array>;
  /** Checks the properties for one input; throws (assertion) on a violation. */
  readonly check: (input: Uint8Array) => void | Promise<void>;
  /** Runs per CI second are few for targets that touch the file system. */
  readonly weight: number;
  /** Valid inputs the mutations start from; also the first entries of the corpus. */
  readonly seeds: readonly Uint8Array[];
}

/** Generous: a hang, not a slow machine, is what this catches. */
export const MAX_MS_PER_INPUT = 5000;

/** Runs one check with the per-input time bound; a check that never settles is a failure. */
export async function checkBounded(target: FuzzTarget, input: Uint8Array): Promise<void> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      Promise.resolve().then(() => target.check(input)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${target.name}: no result within ${MAX_MS_PER_INPUT} ms (hang)`)), MAX_MS_PER_INPUT);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  // A synchronous check cannot be interrupted; it can still be caught afterwards.
  const ms = performance.now() - started;
  if (ms > MAX_MS_PER_INPUT) throw new Error(`${target.name}: one input took ${Math.round(ms)} ms (hang)`);
}

/** Byte mutations of a seed: overwrite, cut, insert — what a damaged or crafted input looks like. */
function mutated(seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const edit = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), value: fc.constant(0) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('extreme' as const), at: fc.nat(), value: fc.constantFrom(0x00, 0x0f, 0x7f, 0x80, 0xff) }),
  );
  return fc.tuple(fc.constantFrom(...seeds), fc.array(edit, { minLength: 1, maxLength: 6 })).map(([seed, edits]) => {
    let bytes = Buffer.from(seed);
    for (const e of edits) {
      if (bytes.length === 0) break;
      const at = e.at % bytes.length;
      if (e.kind === 'cut') bytes = bytes.subarray(0, at);
      else if (e.kind === 'insert') bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([e.value]), bytes.subarray(at)]);
      else bytes[at] = e.value;
    }
    return new Uint8Array(bytes);
  });
}

// ---------------------------------------------------------------------------------------------
// decode-frame: [link type index][flags][frame bytes…]

export const FUZZ_LINK_TYPES: readonly number[] = [...Object.values(LinkType), 9999];

/** Every field of the decoded view except the buffer itself. */
function fields(pkt: Packet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(pkt)) if (k !== 'buf') out[k] = v;
  return out;
}

/**
 * Decodes `frame` placed inside a larger buffer whose bytes before and after it are `junk`: as a
 * capture ring holds bytes of other packets around the current one.
 */
function decodeIn(frame: Buffer, linkType: number, wireLen: number, junk: number, counters: MalformedCounters) {
  const pad = 48;
  const buf = Buffer.alloc(frame.length + 2 * pad, junk);
  frame.copy(buf, pad);
  const pkt = new Packet();
  const before = counters.total;
  const result = decodeFrame(pkt, buf, pad, frame.length, wireLen, 1, linkType, counters);
  const http = pkt.payloadLen > 0 ? parseHttpRequest(buf, pkt.payloadOffset, pkt.payloadLen) : null;
  return { result, pkt, counted: counters.total - before, http, pad };
}

export function splitDecodeInput(input: Uint8Array): { linkType: number; snapCut: boolean; frame: Buffer } {
  const b = Buffer.from(input);
  return {
    linkType: FUZZ_LINK_TYPES[(b[0] ?? 1) % FUZZ_LINK_TYPES.length]!,
    snapCut: ((b[1] ?? 0) & 1) === 1,
    frame: b.subarray(2),
  };
}

export function joinDecodeInput(linkType: number, frame: Buffer, snapCut = false): Uint8Array {
  return new Uint8Array(Buffer.concat([Buffer.from([FUZZ_LINK_TYPES.indexOf(linkType), snapCut ? 1 : 0]), frame]));
}

function checkDecode(input: Uint8Array): void {
  const { linkType, snapCut, frame } = splitDecodeInput(input);
  const wireLen = snapCut ? frame.length + 100 : frame.length;
  const counters = new MalformedCounters();
  const a = decodeIn(frame, linkType, wireLen, 0x00, counters);
  const b = decodeIn(frame, linkType, wireLen, 0xff, counters);
  assert.ok(a.result === DecodeResult.IP || a.result === DecodeResult.NOT_IP || a.result === DecodeResult.MALFORMED, `result ${a.result}`);
  // Exactly one reason counted for a malformed frame, none otherwise.
  assert.equal(a.counted, a.result === DecodeResult.MALFORMED ? 1 : 0, `counted ${a.counted} for result ${a.result}`);
  // Never reads outside the captured bytes: the junk around the frame changes nothing.
  assert.equal(b.result, a.result, 'result depends on bytes outside the frame');
  assert.deepEqual(fields(b.pkt), fields(a.pkt), 'decoded fields depend on bytes outside the frame');
  assert.deepEqual(b.http, a.http, 'HTTP view depends on bytes outside the frame');
  const end = a.pad + frame.length;
  for (const [name, off] of [
    ['ipOffset', a.pkt.ipOffset],
    ['l4Offset', a.pkt.l4Offset],
    ['payloadOffset', a.pkt.payloadOffset],
  ] as const) {
    if (off !== 0) assert.ok(off >= a.pad && off <= end, `${name} ${off} outside the frame [${a.pad}, ${end}]`);
  }
  if (a.pkt.ipVersion !== 0 && a.result === DecodeResult.IP) assert.ok(a.pkt.ipOffset + a.pkt.ipAvailable <= end, 'IP packet past the frame');
  assert.ok(a.pkt.payloadLen >= 0 && a.pkt.payloadOffset + a.pkt.payloadLen <= end, 'payload past the frame');
}

const DECODE_SEEDS: Uint8Array[] = [
  joinDecodeInput(LinkType.ETHERNET, ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.TCP }, tcp({ srcPort: 40000, dstPort: 80, flags: TcpFlag.PSH | TcpFlag.ACK, payload: Buffer.from('GET /a HTTP/1.1\r\nHost: x\r\nUser-Agent: y\r\n\r\n') })))),
  joinDecodeInput(LinkType.ETHERNET, ethernet(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.UDP, options: [1, 1, 1, 0] }, udp({ srcPort: 5353, dstPort: 53, payload: Buffer.alloc(12, 7) })), 0x0800, [{ tpid: 0x88a8, id: 5 }, { tpid: 0x8100, id: 6 }])),
  joinDecodeInput(LinkType.ETHERNET, ethernet(ipv6('2001:db8::1', '2001:db8::2', IpProto.TCP, tcp({ srcPort: 1, dstPort: 22, flags: TcpFlag.SYN }), [ext8(0), ext8(60), { type: 44, body: Buffer.alloc(8) }]), 0x86dd)),
  joinDecodeInput(LinkType.LINUX_SLL, sll(ipv4({ src: '10.0.0.1', dst: '10.0.0.2', proto: IpProto.ICMP }, Buffer.from([8, 0, 0, 0, 0, 1, 0, 1])))),
  joinDecodeInput(LinkType.LINUX_SLL2, sll2(ipv6('fe80::1', 'ff02::1', IpProto.ICMPV6, Buffer.from([135, 0, 0, 0, 0, 0, 0, 0])), 0x86dd)),
  joinDecodeInput(LinkType.RAW, ipv4({ src: '192.0.2.1', dst: '192.0.2.2', proto: IpProto.TCP, fragOffset: 0, moreFragments: true }, tcp({ srcPort: 9, dstPort: 9, flags: 0x29 })), true),
  joinDecodeInput(LinkType.NULL, Buffer.concat([Buffer.from([2, 0, 0, 0]), ipv4({ src: '127.0.0.1', dst: '127.0.0.1', proto: IpProto.UDP }, udp({ srcPort: 1, dstPort: 2 }))])),
];

const decodeTarget: FuzzTarget = {
  name: 'decode-frame',
  seeds: DECODE_SEEDS,
  arbitrary: fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 160 }) },
    { weight: 3, arbitrary: mutated(DECODE_SEEDS) },
  ),
  check: checkDecode,
  weight: 40,
};

// ---------------------------------------------------------------------------------------------
// capture-file: pcap and pcapng bytes, read whole

const CAPTURE_SEEDS: Uint8Array[] = [
  buildPcap({ le: true }, [
    { sec: 1, frac: 2, data: filler(30, 1) },
    { sec: 3, frac: 4, data: filler(8, 2) },
  ]).bytes,
  buildPcap({ le: false, nanos: true }, [{ sec: 5, frac: 6, data: filler(70, 3) }]).bytes,
  new PcapngBuilder()
    .shb({ le: true })
    .idb({ linkType: 1, tsresol: 9, snaplen: 40 })
    .idb({ linkType: 101, tsoffset: 7n })
    .epb({ iface: 1, ts: 99n, data: filler(30, 1), dropCount: 2n })
    .spb(filler(50, 2))
    .isb({ iface: 0, ifdrop: 3n })
    .shb({ le: false })
    .idb({ linkType: 113 })
    .epbPlain(0, 7n, filler(12, 4))
    .build().bytes,
].map((b) => new Uint8Array(b));

async function checkCapture(input: Uint8Array): Promise<void> {
  const bytes = Buffer.from(input);
  const file = writeTmp(bytes, 'fuzz');
  let r;
  try {
    r = await readAll(file, { readChunkBytes: 64 });
  } catch (e) {
    // Opening may refuse a file (not a capture, bad header): one clear line, not a crash.
    const message = (e as Error).message;
    assert.equal((e as Error).name, 'SourceOpenError', `unexpected ${(e as Error).name}: ${message}`);
    assert.ok(!message.includes('\n'), message);
    return;
  } finally {
    rmSync(file, { force: true });
  }
  assert.ok(r.end.reason === 'eof' || r.end.reason === 'error', JSON.stringify(r.end));
  if (r.end.reason === 'error') assert.ok(!r.end.error!.includes('\n'), r.end.error);
  assert.equal(r.stats.received, r.frames.length);
  let total = 0;
  for (const f of r.frames) total += f.capLen;
  assert.ok(total <= bytes.length, 'frames hold more bytes than the file');
}

const captureTarget: FuzzTarget = {
  name: 'capture-file',
  seeds: CAPTURE_SEEDS,
  arbitrary: fc.oneof(
    fc.uint8Array({ maxLength: 300 }),
    fc.tuple(fc.constantFrom(...CAPTURE_SEEDS.map((s) => s.subarray(0, 24))), fc.uint8Array({ maxLength: 300 })).map(([h, t]) => new Uint8Array(Buffer.concat([h, t]))),
    mutated(CAPTURE_SEEDS),
  ),
  check: checkCapture,
  weight: 2,
};

// ---------------------------------------------------------------------------------------------
// config: JSON text through parseConfigText

const CONFIG_SEEDS: Uint8Array[] = [
  { interface: 'eth0', homeNet: ['10.0.0.0/8', 'fd00::/8'], profile: 'balanced', threshold: 20, refresh: 2, speed: 'max', blockDuration: 300 },
  { thresholds: { portScan: { ports: 10, windowSeconds: 5 }, bruteForce: { attempts: { ssh: 3 } }, flood: { topShare: 0.5 } }, flows: { capacity: 1000 } },
  { signatures: { SQL_INJECTION: ['union\\s+select'] }, blocklists: ['/etc/x'], captureBufferBytes: 1048576, geo: false },
].map((c) => new Uint8Array(Buffer.from(JSON.stringify(c))));

function checkConfig(input: Uint8Array): void {
  const text = Buffer.from(input).toString('utf8');
  try {
    const cfg = parseConfigText(text, 'fuzz.json');
    assert.equal(typeof cfg, 'object');
  } catch (e) {
    // The only failure is a ConfigError: one line naming the file.
    assert.ok(e instanceof ConfigError, `threw ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.ok(e.message.startsWith('config file fuzz.json: '), e.message);
    assert.ok(!e.message.includes('\n'), e.message);
  }
}

const configTarget: FuzzTarget = {
  name: 'config',
  seeds: CONFIG_SEEDS,
  arbitrary: fc.oneof(
    fc.json({ maxDepth: 4 }).map((s) => new Uint8Array(Buffer.from(s))),
    fc
      .dictionary(fc.constantFrom('interface', 'homeNet', 'profile', 'threshold', 'speed', 'thresholds', 'flows', 'signatures', '__proto__', 'constructor', 'toString', 'captureBufferBytes'), fc.jsonValue({ maxDepth: 3 }))
      .map((d) => new Uint8Array(Buffer.from(JSON.stringify(d)))),
    mutated(CONFIG_SEEDS),
    fc.uint8Array({ maxLength: 120 }),
  ),
  check: checkConfig,
  weight: 20,
};

// ---------------------------------------------------------------------------------------------
// history: bytes as the history file, opened by the store

let historyRoot: string | null = null;

function historyDir(): string {
  if (historyRoot === null) {
    const root = mkdtempSync(join(tmpdir(), 'snoopy-fuzz-history-'));
    historyRoot = root;
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
  }
  return historyRoot;
}

async function checkHistory(input: Uint8Array): Promise<void> {
  const dir = join(historyDir(), 'h');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'history.json');
  writeFileSync(file, input);
  const { store, warning } = await HistoryStore.open(file, { flushOnExit: false });
  try {
    const kept = readdirSync(dir).filter((n) => n.includes('.corrupt-'));
    if (warning === null) assert.equal(kept.length, 0, 'a file kept aside without a warning');
    else {
      assert.ok(!warning.includes('\n'), 'one line');
      assert.equal(kept.length, 1, 'a rejected file is kept aside');
      assert.ok(readFileSync(join(dir, kept[0]!)).equals(Buffer.from(input)), 'kept byte for byte');
    }
    const onDisk = JSON.parse(readFileSync(file, 'utf8')) as { version: number; entries: unknown[] };
    assert.equal(onDisk.version, 1);
    assert.equal(onDisk.entries.length, store.entries().length);
  } finally {
    await store.close();
  }
}

const HISTORY_SEEDS: Uint8Array[] = [new Uint8Array(Buffer.from(JSON.stringify({ version: 1, entries: [1, 2, 3, 4].map(sampleEntry) })))];

const historyTarget: FuzzTarget = {
  name: 'history',
  seeds: HISTORY_SEEDS,
  arbitrary: fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(HISTORY_SEEDS), fc.json({ maxDepth: 3 }).map((s) => new Uint8Array(Buffer.from(s)))),
  check: checkHistory,
  weight: 1,
};

// ---------------------------------------------------------------------------------------------
// filter: the `/` prompt's text

const FILTER_SEEDS: Uint8Array[] = ['port 22 and country CN', 'not (proto udp or port 53)', 'process "Google Chrome" or ip 10.0.0.0/8', 'status established and port 1-1024'].map((s) => new Uint8Array(Buffer.from(s)));

const FILTER_SUBJECTS: FilterSubject[] = [
  { proto: 'tcp', addresses: ['10.0.0.1', '2001:db8::1'], ports: [22, 40000], process: 'sshd', country: 'CN', state: 'S0', hasAlert: true },
  { proto: 'icmp', addresses: [], ports: [], process: null, country: null, state: null, hasAlert: false },
];

function checkFilter(input: Uint8Array): void {
  const text = Buffer.from(input).toString('utf8');
  const r = compileFilter(text);
  if (r.ok) {
    assert.equal(r.filter.text, text);
    // The matcher runs on a subject without throwing.
    for (const subject of FILTER_SUBJECTS) r.filter.matches(subject);
    return;
  }
  assert.ok(Number.isInteger(r.position) && r.position >= 0 && r.position <= text.length, `position ${r.position}`);
  assert.ok(r.error.length > 0 && !r.error.includes('\n'), r.error);
  assert.doesNotMatch(r.error, /internal error/, JSON.stringify(text));
}

const filterTarget: FuzzTarget = {
  name: 'filter',
  seeds: FILTER_SEEDS,
  arbitrary: fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }).map((s) => new Uint8Array(Buffer.from(s))), mutated(FILTER_SEEDS)),
  check: checkFilter,
  weight: 20,
};


// ---------------------------------------------------------------------------------------------
// tcp-stream: [flags][k][k × 4 schedule bytes][stream bytes…] — the bytes of one connection's
// client side, sent as k segments in the schedule's order (offsets, lengths, overlaps with other
// bytes, gaps), through the reassembler alone and through the whole stream layer with its HTTP
// parser and the detectors that listen to it.

export function splitStreamInput(input: Uint8Array): { tight: boolean; reply: boolean; schedule: ScheduledSegment[]; stream: Buffer } {
  const b = Buffer.from(input);
  const flags = b[0] ?? 0;
  const k = Math.min(b[1] ?? 0, 48);
  const schedule: ScheduledSegment[] = [];
  let i = 2;
  for (let n = 0; n < k && i + 4 <= b.length; n++, i += 4) {
    schedule.push({ at: b[i]! | ((b[i + 1]! & 3) << 8), len: b[i + 2]! % 160, fill: b[i + 3]! >= 224 ? b[i + 3]! : null });
  }
  return { tight: (flags & 1) === 1, reply: (flags & 2) === 2, schedule, stream: b.subarray(i) };
}

export function joinStreamInput(flags: number, schedule: readonly ScheduledSegment[], stream: string): Uint8Array {
  const head = [flags, schedule.length];
  for (const s of schedule) head.push(s.at & 255, s.at >> 8, s.len, s.fill ?? 0);
  return new Uint8Array(Buffer.concat([Buffer.from(head), Buffer.from(stream, 'latin1')]));
}

function checkStream(input: Uint8Array): void {
  const { tight, reply, schedule, stream } = splitStreamInput(input);
  if (stream.length === 0) return;
  checkReassembly(stream, schedule, tight ? { maxHeld: 4 * (SEGMENT_OVERHEAD + 64), budget: 1 << 20 } : { maxHeld: 1 << 20, budget: 1 << 20 });
  // The same segments through flows, streams, the HTTP parsers and their detectors.
  const ctx = { interfaceName: 'fuzz', platformInfo: 'fuzz', homeNet: null, raise: () => {}, changed: () => {} };
  const sig = new PayloadSignatureDetector({}, ctx);
  const brute = new HttpBruteForceDetector({ windowSeconds: 60, failures: 2 }, ctx);
  const maxBytes = 64 * 1024;
  const rig = new StreamRig([sig, brute], tight ? { maxBytes, maxHeldBytes: 2048, maxHeadBytes: 512, maxBodyBytes: 256 } : {}, [sig], 64);
  const c = rig.connection('10.0.0.1', '10.0.0.2', 40000, 80).open();
  for (const s of schedule) {
    const bytes = Buffer.alloc(s.len);
    for (let j = 0; j < s.len; j++) bytes[j] = s.fill ?? stream[(s.at + j) % stream.length]!;
    if (s.len > 0) c.send(bytes, s.at);
    if (reply) c.reply(stream.subarray(0, Math.min(stream.length, 200)));
    if (tight) assert.ok(rig.streams.budget.used <= maxBytes, `budget ${rig.streams.budget.used}`);
  }
  c.close();
  assert.equal(rig.streams.size, 0, 'the stream ended with its connection');
  assert.equal(rig.streams.budget.used, 0, 'every byte given back');
}

const STREAM_SEEDS: Uint8Array[] = [
  joinStreamInput(0, [{ at: 40, len: 60, fill: null }, { at: 0, len: 50, fill: null }, { at: 90, len: 100, fill: null }], 'GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /?id=1%20UNION%20SELECT%201 HTTP/1.1\r\nHost: x\r\nCookie: a=<script>\r\n\r\n'),
  joinStreamInput(2, [{ at: 0, len: 30, fill: null }, { at: 20, len: 30, fill: 0xff }, { at: 50, len: 120, fill: null }], 'POST /login HTTP/1.1\r\nContent-Length: 20\r\nAuthorization: Basic YTpi\r\n\r\nuser=admin&pass=x\'--HTTP/1.1 401 Unauthorized\r\n\r\n'),
  joinStreamInput(1, [{ at: 0, len: 10, fill: null }, { at: 60, len: 40, fill: null }, { at: 10, len: 60, fill: null }], 'POST /j HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n5\r\n{"a":\r\nffffffff\r\n0\r\n\r\n'),
];

const streamTarget: FuzzTarget = {
  name: 'tcp-stream',
  seeds: STREAM_SEEDS,
  arbitrary: fc.oneof(
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }) },
    { weight: 3, arbitrary: mutated(STREAM_SEEDS) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.integer({ min: 0, max: 3 }),
          fc.array(fc.record({ at: fc.nat({ max: 1023 }), len: fc.nat({ max: 159 }), fill: fc.option(fc.integer({ min: 224, max: 255 }), { nil: null }) }), { maxLength: 48 }),
          fc.constantFrom(...STREAM_SEEDS.map((s) => splitStreamInput(s).stream.toString('latin1'))),
        )
        .map(([flags, schedule, stream]) => joinStreamInput(flags, schedule, stream)),
    },
  ),
  check: checkStream,
  weight: 20,
};

export const FUZZ_TARGETS: readonly FuzzTarget[] = [decodeTarget, defragmentTarget, captureTarget, configTarget, historyTarget, filterTarget, streamTarget];

export const CORPUS_ROOT = new URL('./corpus/', import.meta.url).pathname;

/** The committed inputs of a target, by file name. */
export function corpusOf(target: string): { name: string; bytes: Uint8Array }[] {
  const dir = join(CORPUS_ROOT, target);
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.bin')).sort();
  } catch {
    return [];
  }
  return names.map((name) => ({ name, bytes: new Uint8Array(readFileSync(join(dir, name))) }));
}
