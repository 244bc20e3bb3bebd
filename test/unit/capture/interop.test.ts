/**
 * Files written by real tools: Wireshark's editcap / mergecap convert our hand-built pcaps to
 * pcapng, nanosecond pcap and snaplen-cut pcap, and the recorded fixtures in fixtures/ are
 * checked against capinfos (packet count) and tshark (per-packet time and lengths).
 * Skipped when the tools or the fixtures are missing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { buildPcap, frame, readAll, tmpPath, writeTmp, type DeliveredFrame, type PcapRecord } from './capture-builder.js';

function hasTool(name: string): boolean {
  return ['/usr/bin', '/usr/local/bin', '/opt/homebrew/bin'].some((d) => fs.existsSync(path.join(d, name)));
}
const TOOLS = hasTool('editcap') && hasTool('mergecap') && hasTool('tshark') && hasTool('capinfos');
const FIXTURES = path.resolve(import.meta.dirname, '../../../fixtures');

function run(tool: string, args: string[]): string {
  return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 256 * 1024 * 1024 });
}

interface TsharkFrame {
  micros: number;
  capLen: number;
  wireLen: number;
}

function tsharkFrames(file: string): TsharkFrame[] {
  const out = run('tshark', ['-n', '-r', file, '-T', 'fields', '-e', 'frame.time_epoch', '-e', 'frame.cap_len', '-e', 'frame.len']);
  return out
    .trim()
    .split('\n')
    .filter((l) => l.length > 0)
    .map((line) => {
      const [t, cap, len] = line.split('\t');
      const [sec, frac = '0'] = t!.split('.');
      return {
        micros: Number(sec) * 1e6 + Number(frac.padEnd(9, '0').slice(0, 9)) / 1000,
        capLen: Number(cap),
        wireLen: Number(len),
      };
    });
}

function assertSameAsTshark(file: string, frames: DeliveredFrame[]): void {
  const expected = tsharkFrames(file);
  assert.equal(frames.length, expected.length, `${file}: packet count`);
  frames.forEach((f, i) => {
    const e = expected[i]!;
    assert.equal(f.capLen, e.capLen, `${file} frame ${i} capLen`);
    assert.equal(f.wireLen, e.wireLen, `${file} frame ${i} wireLen`);
    assert.ok(Math.abs(f.ts - e.micros) <= 0.5, `${file} frame ${i}: ts ${f.ts} vs tshark ${e.micros}`);
  });
}

function capinfosCounts(files: string[]): Map<string, number> {
  const out = run('capinfos', ['-M', '-c', '-T', '-r', ...files]);
  const counts = new Map<string, number>();
  for (const line of out.trim().split('\n')) {
    const tab = line.lastIndexOf('\t');
    counts.set(line.slice(0, tab), Number(line.slice(tab + 1)));
  }
  return counts;
}

describe('interoperability with Wireshark tools', { skip: TOOLS ? false : 'editcap/mergecap/tshark/capinfos not installed' }, () => {
  const ether: PcapRecord[] = Array.from({ length: 300 }, (_, i) => ({
    sec: 1_700_000_000 + Math.floor(i / 7),
    frac: (i * 137_911) % 1_000_000,
    data: frame(60 + 2 * ((i * 37) % 700), i), // even lengths
  })).sort((a, b) => a.sec - b.sec || a.frac - b.frac);
  const rawIp: PcapRecord[] = Array.from({ length: 50 }, (_, i) => ({
    sec: 1_700_000_000 + i,
    frac: 500_001 + i,
    data: frame(41 + 2 * i, 1000 + i), // odd lengths
  }));
  const etherFile = (): string => writeTmp(buildPcap({ le: true, linkType: 1 }, ether).bytes, 'ether.pcap');

  it('reads editcap’s pcapng conversion exactly like the original pcap', async () => {
    const src = etherFile();
    const ng = tmpPath('ether.pcapng');
    run('editcap', ['-F', 'pcapng', src, ng]);
    const a = await readAll(src);
    const b = await readAll(ng);
    assert.equal(b.end.reason, 'eof');
    assert.equal(b.frames.length, ether.length);
    b.frames.forEach((f, i) => {
      const o = a.frames[i]!;
      assert.ok(f.data.equals(o.data), `frame ${i}`);
      assert.deepEqual([f.capLen, f.wireLen, f.ts, f.linkType], [o.capLen, o.wireLen, o.ts, o.linkType]);
    });
    assertSameAsTshark(ng, b.frames);
  });

  it('reads nanosecond pcap and snaplen-cut pcap written by editcap', async () => {
    const src = etherFile();
    const ns = tmpPath('ether-ns.pcap');
    run('editcap', ['-F', 'nsecpcap', src, ns]);
    const r = await readAll(ns);
    assert.equal(r.end.reason, 'eof');
    r.frames.forEach((f, i) => assert.equal(f.ts, ether[i]!.sec * 1e6 + ether[i]!.frac));
    assertSameAsTshark(ns, r.frames);

    const cut = tmpPath('ether-cut.pcapng');
    run('editcap', ['-F', 'pcapng', '-s', '54', src, cut]);
    const c = await readAll(cut);
    c.frames.forEach((f, i) => {
      assert.equal(f.capLen, 54);
      assert.equal(f.wireLen, ether[i]!.data.length);
      assert.ok(f.data.equals(ether[i]!.data.subarray(0, 54)));
    });
  });

  it('reads mergecap’s two-interface pcapng with a link type per interface', async () => {
    const a = etherFile();
    const b = writeTmp(buildPcap({ le: false, linkType: 101 }, rawIp).bytes, 'raw.pcap');
    const merged = tmpPath('merged.pcapng');
    run('mergecap', ['-F', 'pcapng', '-w', merged, a, b]);
    const r = await readAll(merged);
    assert.equal(r.end.reason, 'eof');
    assert.equal(r.frames.length, ether.length + rawIp.length);
    for (const f of r.frames) assert.equal(f.linkType, f.capLen % 2 === 1 ? 101 : 1);
    assertSameAsTshark(merged, r.frames);
    assert.equal(capinfosCounts([merged]).get(merged), r.frames.length);
  });

  const fixtureFiles = fs.existsSync(FIXTURES)
    ? fs.readdirSync(FIXTURES).filter((f) => /\.pcap(ng)?$/.test(f)).map((f) => path.join(FIXTURES, f))
    : [];

  it('delivers as many packets as capinfos counts in every recorded fixture', { skip: fixtureFiles.length === 0 ? 'no fixtures' : false }, async () => {
    const counts = capinfosCounts(fixtureFiles);
    for (const file of fixtureFiles) {
      const r = await readAll(file);
      assert.equal(r.end.reason, 'eof', `${file}: ${r.end.error}`);
      assert.equal(r.frames.length, counts.get(file), file);
    }
  });

  it('matches tshark frame by frame on a few fixtures', { skip: fixtureFiles.length === 0 ? 'no fixtures' : false }, async () => {
    const chosen = fixtureFiles.filter((f) => /(nmap-syn\.pcapng|nmap-syn-ns\.pcap|sll2\.pcap|benign-mixed\.pcapng)$/.test(f));
    for (const file of chosen) assertSameAsTshark(file, (await readAll(file)).frames);
  });
});
