import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCaptureFile } from '../../src/engine/capture/file/open-capture-file.js';
import { decodeFrame, DecodeResult } from '../../src/engine/decode/decode-frame.js';
import { MalformedCounters } from '../../src/engine/decode/malformed.js';
import { Packet } from '../../src/engine/decode/packet.js';
import { ForensicRecorder } from '../../src/store/forensic/index.js';
import { capinfosCount, FIXTURES, hasCommand } from '../support/run-cli.js';
import { fakeAlert, readCapture, type Frame } from '../unit/forensic/helpers.js';

const ATTACKER = '10.77.0.1';
const ATTACKER_WORDS = [0, 0, 0xffff, 0x0a4d0001];
const FIXTURE = `${FIXTURES}nmap-syn.pcap`;

/**
 * The pipeline's part in miniature: read the real nmap fixture, decode each frame, record the
 * IP ones, and raise a fake alert at the first packet from the attacker to a 15th distinct port.
 */
async function runHarness(pcapDir: string): Promise<{ rec: ForensicRecorder; path: string; alertTs: number; attackerFrames: Frame[] }> {
  const rec = new ForensicRecorder({ pcapDir });
  const pkt = new Packet();
  const malformed = new MalformedCounters();
  const ports = new Set<number>();
  const attackerFrames: Frame[] = [];
  let path: string | null = null;
  let alertTs = 0;
  let n = 0;
  const source = await openCaptureFile(FIXTURE);
  const end = await source.start((buf, offset, capLen, wireLen, tsMicros, linkType) => {
    if (decodeFrame(pkt, buf, offset, capLen, wireLen, tsMicros, linkType, malformed) !== DecodeResult.IP) return;
    rec.record(pkt, buf, offset);
    const src = pkt.src3 === ATTACKER_WORDS[3] && pkt.src2 === 0xffff;
    const dst = pkt.dst3 === ATTACKER_WORDS[3] && pkt.dst2 === 0xffff;
    if (src || dst) attackerFrames.push({ bytes: Buffer.from(buf.subarray(offset, offset + capLen)), tsMicros, wireLen, linkType });
    if (src && path === null) {
      ports.add(pkt.dstPort);
      if (ports.size === 15) {
        alertTs = tsMicros;
        path = rec.onAlert(fakeAlert('5ca1ab1e-0000-4000-8000-000000000015', ATTACKER, tsMicros), ATTACKER_WORDS);
      }
    }
    if (++n % 256 === 0) rec.tick(tsMicros);
  });
  assert.equal(end.reason, 'eof');
  await rec.close();
  assert.ok(path !== null, 'the alert started a capture');
  return { rec, path, alertTs, attackerFrames };
}

/** tshark's stderr without its warning about running as root (the e2e machines do). */
function tsharkErrors(stderr: string): string {
  return stderr
    .split('\n')
    .filter((l) => l.trim() !== '' && !/^Running as user "root"/.test(l))
    .join('\n');
}

describe('forensic pcap of a real nmap SYN scan', () => {
  let dir = '';
  let run: Awaited<ReturnType<typeof runHarness>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snoopy-forensic-it-'));
    run = await runHarness(dir);
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('one file, named after the alert, holding the attacker’s frames from both sides of the alert, frame-for-frame', async () => {
    const { rec, path, alertTs, attackerFrames } = run;
    const st = rec.stats();
    assert.equal(st.writeErrors, 0);
    assert.equal(st.filesWritten, 1);
    assert.match(path, /\/\d{8}-\d{6}_PORT_SCAN_10\.77\.0\.1_5ca1ab1e\.pcap$/);
    // The whole scan lasts 1.2 s: every frame of the attacker is inside the 10 s + 30 s window.
    const expected = attackerFrames.filter((f) => f.tsMicros >= alertTs - 10e6 && f.tsMicros <= alertTs + 30e6);
    assert.ok(expected.length > 1000);
    assert.ok(expected.some((f) => f.tsMicros < alertTs) && expected.some((f) => f.tsMicros > alertTs), 'frames from both sides of the alert');
    const written = await readCapture(path);
    assert.equal(written.length, expected.length);
    assert.equal(st.packetsWritten, expected.length);
    for (let i = 0; i < expected.length; i++) {
      assert.equal(written[i]!.tsMicros, expected[i]!.tsMicros);
      assert.equal(written[i]!.wireLen, expected[i]!.wireLen);
      assert.equal(written[i]!.linkType, expected[i]!.linkType);
      assert.ok(written[i]!.bytes.equals(expected[i]!.bytes), `frame ${i}`);
    }
  });

  test('capinfos -c counts the frames we wrote', { skip: !hasCommand('capinfos') && 'capinfos not installed' }, () => {
    assert.equal(capinfosCount(run.path), run.rec.stats().packetsWritten);
  });

  test('tshark -r reads the file without error', { skip: !hasCommand('tshark') && 'tshark not installed' }, () => {
    const read = spawnSync('tshark', ['-r', run.path], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(read.status, 0, read.stderr);
    assert.equal(tsharkErrors(read.stderr), '');
    assert.equal(read.stdout.split('\n').filter((l) => l !== '').length, run.rec.stats().packetsWritten);
  });

  test('every packet tshark sees has ip.src or ip.dst 10.77.0.1', { skip: !hasCommand('tshark') && 'tshark not installed' }, () => {
    const fields = spawnSync('tshark', ['-r', run.path, '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    assert.equal(fields.status, 0, fields.stderr);
    assert.equal(tsharkErrors(fields.stderr), '');
    const rows = fields.stdout.split('\n').filter((l) => l !== '');
    assert.equal(rows.length, run.rec.stats().packetsWritten);
    for (const row of rows) {
      const [src, dst] = row.split('\t');
      assert.ok(src === ATTACKER || dst === ATTACKER, `not the attacker's packet: ${row}`);
    }
  });
});

describe('snoopy-tui --pcap-dir (the whole binary)', () => {
  test('a headless replay writes one pcap per alert that tshark reads, holding only the attacker\'s packets', { skip: hasCommand('tshark') ? false : 'tshark is not installed' }, () => {
    const dir = mkdtempSync(join(tmpdir(), 'snoopy-cli-pcaps-'));
    try {
      const run = spawnSync(process.execPath, [new URL('../../dist/cli.js', import.meta.url).pathname, '--replay', new URL('../../fixtures/nmap-syn-public.pcap', import.meta.url).pathname, '--headless', '--pcap-dir', dir], { encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      const files = readdirSync(dir);
      assert.equal(files.length, 1, files.join(','));
      assert.match(files[0]!, /^\d{8}-\d{6}_PORT_SCAN_81\.2\.69\.142_[0-9a-f]{8}\.pcap$/);
      const t = spawnSync('tshark', ['-r', join(dir, files[0]!), '-T', 'fields', '-e', 'ip.src', '-e', 'ip.dst'], { encoding: 'utf8' });
      assert.equal(t.status, 0, t.stderr);
      const rows = t.stdout.trim().split('\n');
      assert.ok(rows.length > 1000);
      assert.ok(rows.every((r) => r.includes('81.2.69.142')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
