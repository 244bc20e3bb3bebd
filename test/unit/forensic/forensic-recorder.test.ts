import assert from 'node:assert/strict';
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { LinkType } from '../../../src/engine/capture/link-type.js';
import { parseAddress } from '../../../src/net/address.js';
import { defaultPcapDir, ForensicRecorder, forensicFileName, type ForensicFileSystem } from '../../../src/store/forensic/index.js';
import { fakeAlert, feed, readCapture, SEC, T0, tcpFrame, withTempDir, type Frame } from './helpers.js';
import { waitFor } from '../../support/wait-for.js';

const ATTACKER = '203.0.113.45';
const VICTIM = '198.51.100.7';
const OTHER = '192.0.2.99';
const ATTACKER6 = '2001:db8::bad';
const VICTIM6 = '2001:db8::1';

function assertSameFrames(actual: Frame[], expected: Frame[]): void {
  assert.equal(actual.length, expected.length, 'frame count');
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    assert.equal(a.tsMicros, e.tsMicros, `frame ${i} ts`);
    assert.equal(a.wireLen, e.wireLen, `frame ${i} wireLen`);
    assert.equal(a.linkType, e.linkType, `frame ${i} linkType`);
    assert.ok(a.bytes.equals(e.bytes), `frame ${i} bytes`);
  }
}

describe('ForensicRecorder', () => {
  test('an alert writes only the attacker’s frames (v4 and v6) from the before-window, frame-for-frame identical', () =>
    withTempDir(async (dir) => {
      const pcapDir = join(dir, 'pcaps');
      const rec = new ForensicRecorder({ pcapDir, beforeSeconds: 10, afterSeconds: 30 });
      const expected4: Frame[] = [];
      const expected6: Frame[] = [];
      // 20 s of traffic, one frame of each kind per second.
      for (let s = 0; s < 20; s++) {
        const ts = T0 + s * SEC + 123;
        const fromAttacker = tcpFrame(ATTACKER, VICTIM, 1000 + s, ts, { payload: s, wireExtra: s % 3 });
        const toAttacker = tcpFrame(VICTIM, ATTACKER, 2000 + s, ts + 1);
        const unrelated = tcpFrame(OTHER, VICTIM, 3000 + s, ts + 2);
        const v6From = tcpFrame(ATTACKER6, VICTIM6, 4000 + s, ts + 3);
        const v6Unrelated = tcpFrame(VICTIM6, '2001:db8::2', 5000 + s, ts + 4);
        const v4mappedLookalike = tcpFrame('::ffff:cb00:712e', VICTIM6, 6000 + s, ts + 5); // ::ffff:203.0.113.46 as IPv6
        for (const f of [fromAttacker, toAttacker, unrelated, v6From, v6Unrelated, v4mappedLookalike]) feed(rec, f);
        // The before-window is [now - 10 s, now], now = last packet time (19 s + 128 µs).
        if (s >= 10) expected4.push(fromAttacker, toAttacker);
        if (s >= 10) expected6.push(v6From);
      }
      const now = T0 + 19 * SEC + 128;
      const path4 = rec.onAlert(fakeAlert('11111111-aaaa-4000-8000-000000000001', ATTACKER, now));
      const path6 = rec.onAlert(fakeAlert('22222222-bbbb-4000-8000-000000000002', ATTACKER6, now, 'SYN_FLOOD'), parseAddress(ATTACKER6));
      assert.equal(path4, join(pcapDir, '20261121-221519_PORT_SCAN_203.0.113.45_11111111.pcap'));
      assert.equal(path6, join(pcapDir, '20261121-221519_SYN_FLOOD_2001-db8--bad_22222222.pcap'));
      await rec.close();
      assertSameFrames(await readCapture(path4!), expected4);
      assertSameFrames(await readCapture(path6!), expected6);
      const st = rec.stats();
      assert.equal(st.filesWritten, 2);
      assert.equal(st.packetsWritten, expected4.length + expected6.length);
      assert.equal(st.writeErrors, 0);
      assert.deepEqual(
        st.recentFiles.map((f) => [f.path, f.alertId.slice(0, 8), f.packets, f.state, f.endReason]),
        [
          [path4, '11111111', expected4.length, 'closed', 'shutdown'],
          [path6, '22222222', expected6.length, 'closed', 'shutdown'],
        ],
      );
      assert.equal((await stat(pcapDir)).mode & 0o777, 0o750);
      assert.equal((await stat(path4!)).mode & 0o777, 0o640);
    }));

  test('frames of every size (word-copied, Buffer.copy-ed, near the staging size) round-trip through many writes', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir, afterSeconds: 1000 });
      const sizes = [0, 1, 5, 41, 42, 43, 100, 1446, 9000, 65_400, 3, 30_000, 40_000, 7];
      const expected: Frame[] = [];
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      rec.onAlert(fakeAlert('sizes', ATTACKER, T0));
      const path = rec.stats().recentFiles[0]!.path;
      expected.push(tcpFrame(ATTACKER, VICTIM, 1, T0));
      for (let round = 0; round < 3; round++) {
        for (let i = 0; i < sizes.length; i++) {
          const f = tcpFrame(i % 2 ? VICTIM : ATTACKER, i % 2 ? ATTACKER : VICTIM, 10 + i, T0 + round * SEC + i * 1000 + 1, { payload: sizes[i]! });
          feed(rec, f);
          expected.push(f);
          if (i % 4 === 0) rec.tick(f.tsMicros);
          if (i % 5 === 0) await new Promise((r) => setImmediate(r)); // let some writes run in between
        }
      }
      await rec.close();
      assertSameFrames(await readCapture(path), expected);
      assert.equal(rec.stats().pendingBytes, 0);
    }));

  test('the file header is classic little-endian microsecond pcap, snaplen 262144, the frame’s link type', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir });
      const f = tcpFrame(ATTACKER, VICTIM, 22, T0, { link: LinkType.LINUX_SLL });
      feed(rec, f);
      const path = rec.onAlert(fakeAlert('hdr', ATTACKER, T0))!;
      await rec.close();
      const { readFile } = await import('node:fs/promises');
      const bytes = await readFile(path);
      assert.equal(bytes.toString('hex', 0, 4), 'd4c3b2a1');
      assert.equal(bytes.readUInt16LE(4), 2);
      assert.equal(bytes.readUInt16LE(6), 4);
      assert.equal(bytes.readUInt32LE(16), 262_144);
      assert.equal(bytes.readUInt32LE(20), LinkType.LINUX_SLL);
      assert.equal(bytes.readUInt32LE(24), Math.floor(T0 / SEC));
      assert.equal(bytes.readUInt32LE(28), T0 % SEC);
      assert.equal(bytes.length, 24 + 16 + f.bytes.length);
    }));

  test('after the alert, the attacker’s frames are appended for the after-window, then tick() closes the file', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir, beforeSeconds: 5, afterSeconds: 30 });
      const before = tcpFrame(ATTACKER, VICTIM, 1, T0);
      feed(rec, before);
      const path = rec.onAlert(fakeAlert('after', ATTACKER, T0))!;
      const expected = [before];
      for (let s = 1; s <= 40; s++) {
        const f = tcpFrame(VICTIM, ATTACKER, 100 + s, T0 + s * SEC);
        feed(rec, tcpFrame(OTHER, VICTIM, 100 + s, T0 + s * SEC + 1));
        feed(rec, f);
        if (s <= 30) expected.push(f);
        rec.tick(T0 + s * SEC);
        if (s === 30) assert.equal(rec.stats().recentFiles[0]!.state, 'open', 'the window includes its last microsecond');
      }
      // Past the window: the capture was ended by tick (not by close).
      const info = rec.stats().recentFiles[0]!;
      assert.notEqual(info.state, 'open');
      assert.equal(info.endReason, 'window');
      assert.equal(rec.capturing, 0);
      await rec.close();
      assert.equal(rec.stats().recentFiles[0]!.endReason, 'window');
      assertSameFrames(await readCapture(path), expected);
    }));

  test('tick() hands waiting frames to the writer while the capture is still open', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir });
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      const path = rec.onAlert(fakeAlert('flush', ATTACKER, T0))!;
      feed(rec, tcpFrame(ATTACKER, VICTIM, 2, T0 + SEC));
      rec.tick(T0 + SEC);
      await waitFor(() => rec.stats().packetsWritten === 2, { message: () => `both frames written (stats ${JSON.stringify(rec.stats())})` });
      assert.equal(rec.stats().packetsWritten, 2);
      assert.equal(rec.stats().recentFiles[0]!.state, 'open');
      assert.equal((await readCapture(path)).length, 2, 'the open file is already readable');
      await rec.close();
    }));

  test('the per-file caps (packets, bytes) end a capture', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir, maxPacketsPerFile: 5 });
      for (let i = 0; i < 3; i++) feed(rec, tcpFrame(ATTACKER, VICTIM, i, T0 + i));
      const path = rec.onAlert(fakeAlert('cap', ATTACKER, T0 + 2))!;
      for (let i = 3; i < 10; i++) feed(rec, tcpFrame(ATTACKER, VICTIM, i, T0 + i));
      assert.equal(rec.capturing, 0, 'ended at the cap, before any tick');
      await rec.close();
      const frames = await readCapture(path);
      assert.deepEqual(
        frames.map((f) => f.tsMicros - T0),
        [0, 1, 2, 3, 4],
      );
      assert.equal(rec.stats().recentFiles[0]!.endReason, 'packet_cap');

      const frameLen = tcpFrame(ATTACKER, VICTIM, 0, 0).bytes.length;
      const byBytes = new ForensicRecorder({ pcapDir: dir, maxBytesPerFile: 24 + 3 * (16 + frameLen) + 10 });
      for (let i = 0; i < 10; i++) feed(byBytes, tcpFrame(ATTACKER, VICTIM, i, T0 + i));
      const p2 = byBytes.onAlert(fakeAlert('bytecap', ATTACKER, T0 + 9))!;
      await byBytes.close();
      assert.equal((await readCapture(p2)).length, 3);
      assert.equal(byBytes.stats().recentFiles[0]!.endReason, 'byte_cap');
      assert.ok((await stat(p2)).size <= 24 + 3 * (16 + frameLen) + 10);
    }));

  test('concurrent captures are bounded; further alerts are skipped and counted; one capture per alert id', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir, maxOpenCaptures: 2, afterSeconds: 1 });
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      assert.ok(rec.onAlert(fakeAlert('a1', ATTACKER, T0)));
      assert.equal(rec.onAlert(fakeAlert('a1', ATTACKER, T0)), null, 'same id again (an update): no second capture');
      assert.ok(rec.onAlert(fakeAlert('a2', ATTACKER, T0, 'SYN_FLOOD')));
      assert.equal(rec.onAlert(fakeAlert('a3', VICTIM, T0)), null);
      assert.equal(rec.onAlert(fakeAlert('a4', 'not an address', T0)), null);
      let st = rec.stats();
      assert.equal(st.skippedAlerts, 2);
      assert.equal(st.openCaptures, 2);
      assert.equal(st.captures, 2);
      // Once the window has passed and the files are written, slots are free again.
      rec.tick(T0 + 2 * SEC);
      await waitFor(() => rec.stats().openCaptures === 0, { message: () => `the captures to close (stats ${JSON.stringify(rec.stats())})` });
      assert.ok(rec.onAlert(fakeAlert('a5', VICTIM, T0 + 2 * SEC)));
      await rec.close();
      st = rec.stats();
      assert.equal(st.filesWritten, 3);
      assert.equal((await readdir(dir)).length, 3);
      assert.equal(rec.onAlert(fakeAlert('a6', VICTIM, T0)), null, 'after close');
    }));

  test('attackers that share the packet path’s quick-filter bucket are told apart, and ending one leaves the other', () =>
    withTempDir(async (dir) => {
      // 10.0.1.1 and 10.0.17.1 have the same low 12 bits (0x101).
      const a = '10.0.1.1';
      const b = '10.0.17.1';
      const rec = new ForensicRecorder({ pcapDir: dir, maxPacketsPerFile: 2 });
      feed(rec, tcpFrame(VICTIM, OTHER, 1, T0));
      const pa = rec.onAlert(fakeAlert('fa', a, T0))!;
      const pb = rec.onAlert(fakeAlert('fb', b, T0))!;
      feed(rec, tcpFrame(a, VICTIM, 1, T0 + 1));
      feed(rec, tcpFrame(a, VICTIM, 2, T0 + 2)); // a's file is full: ended
      feed(rec, tcpFrame(VICTIM, b, 3, T0 + 3));
      feed(rec, tcpFrame(a, VICTIM, 4, T0 + 4));
      feed(rec, tcpFrame(b, VICTIM, 5, T0 + 5)); // b's file full
      assert.equal(rec.capturing, 0);
      await rec.close();
      assert.deepEqual(
        (await readCapture(pa)).map((f) => f.tsMicros - T0),
        [1, 2],
      );
      assert.deepEqual(
        (await readCapture(pb)).map((f) => f.tsMicros - T0),
        [3, 5],
      );
    }));

  test('an alert with no frame of the attacker creates no file', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: join(dir, 'p') });
      feed(rec, tcpFrame(OTHER, VICTIM, 1, T0));
      rec.onAlert(fakeAlert('none', ATTACKER, T0));
      await rec.close();
      assert.equal(rec.stats().emptyCaptures, 1);
      assert.equal(rec.stats().filesWritten, 0);
      assert.deepEqual(rec.stats().recentFiles, []);
      await assert.rejects(readdir(join(dir, 'p')));
    }));

  test('frames of another link type than the file’s are left out and counted', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir });
      const eth = tcpFrame(ATTACKER, VICTIM, 1, T0);
      feed(rec, eth);
      feed(rec, tcpFrame(ATTACKER, VICTIM, 2, T0 + 1, { link: LinkType.LINUX_SLL }));
      const path = rec.onAlert(fakeAlert('mixed', ATTACKER, T0 + 1))!;
      const raw = tcpFrame(ATTACKER, VICTIM, 3, T0 + 2, { link: LinkType.RAW });
      feed(rec, raw);
      const eth2 = tcpFrame(ATTACKER, VICTIM, 4, T0 + 3);
      feed(rec, eth2);
      await rec.close();
      assertSameFrames(await readCapture(path), [eth, eth2]);
      assert.equal(rec.stats().linkTypeSkipped, 2);
      assert.equal(rec.stats().recentFiles[0]!.otherLinkType, 2);
    }));

  test('a name clash gets a numbered file, never an overwrite', () =>
    withTempDir(async (dir) => {
      const name = forensicFileName(new Date(T0 / 1000).toISOString(), T0, 'PORT_SCAN', ATTACKER, 'clash000');
      await writeFile(join(dir, name), 'not ours');
      const rec = new ForensicRecorder({ pcapDir: dir });
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      rec.onAlert(fakeAlert('clash000', ATTACKER, T0));
      await rec.close();
      const path = rec.stats().recentFiles[0]!.path;
      assert.equal(path, join(dir, name.replace('.pcap', '-1.pcap')));
      assert.equal((await readCapture(path)).length, 1);
    }));

  test('file names carry nothing unsafe from the alert', () => {
    assert.equal(forensicFileName('2026-01-02T03:04:05.000Z', 0, 'PORT_SCAN', 'fe80::1%eth0', '../../x'), '20260102-030405_PORT_SCAN_fe80--1_eth0___.._x.pcap');
    assert.equal(forensicFileName('bad', 1_700_000_000_000_000, 'A/B', '', ''), '20231114-221320_A_B_unknown_noid.pcap');
  });

  test('write errors are counted and reported once, as one line, never thrown', () =>
    withTempDir(async (dir) => {
      const problems: string[] = [];
      let created = 0;
      const failing: ForensicFileSystem = {
        async ensureDir() {},
        async create() {
          created++;
          return {
            async write() {
              throw Object.assign(new Error('ENOSPC: no space left on device, write\n(detail)'), { code: 'ENOSPC' });
            },
            async close() {},
          };
        },
      };
      const rec = new ForensicRecorder({ pcapDir: dir, fileSystem: failing, onProblem: (l) => problems.push(l) });
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      feed(rec, tcpFrame(OTHER, VICTIM, 1, T0));
      rec.onAlert(fakeAlert('e1', ATTACKER, T0));
      rec.onAlert(fakeAlert('e2', OTHER, T0));
      rec.tick(T0);
      await rec.close();
      assert.equal(created, 2);
      assert.equal(problems.length, 1);
      assert.ok(!problems[0]!.includes('\n'));
      assert.match(problems[0]!, /forensic pcap .*: ENOSPC: no space left on device, write; capture of 203\.0\.113\.45 \(PORT_SCAN\) abandoned/);
      const st = rec.stats();
      assert.equal(st.writeErrors, 2);
      assert.equal(st.filesWritten, 0);
      assert.equal(st.pendingBytes, 0);
      assert.equal(st.openCaptures, 0);
      assert.equal(st.problem, problems[0]);
      assert.deepEqual(
        st.recentFiles.map((f) => f.state),
        ['failed', 'failed'],
      );
    }));

  test('a pcap dir that cannot be created (a file is in the way) is one reported line', () =>
    withTempDir(async (dir) => {
      await writeFile(join(dir, 'file'), '');
      const problems: string[] = [];
      const rec = new ForensicRecorder({ pcapDir: join(dir, 'file', 'pcaps'), onProblem: (l) => problems.push(l) });
      feed(rec, tcpFrame(ATTACKER, VICTIM, 1, T0));
      rec.onAlert(fakeAlert('nodir', ATTACKER, T0));
      rec.onAlert(fakeAlert('nodir2', ATTACKER, T0));
      await rec.close();
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /ENOTDIR/);
      assert.equal(rec.stats().writeErrors, 2);
    }));

  test('bytes waiting for the disk are bounded: frames beyond are dropped and counted', () =>
    withTempDir(async (dir) => {
      const rec = new ForensicRecorder({ pcapDir: dir, maxPendingBytes: 64 * 1024 });
      const size = tcpFrame(ATTACKER, VICTIM, 0, 0, { payload: 1000 }).bytes.length + 16;
      feed(rec, tcpFrame(VICTIM, OTHER, 0, T0));
      rec.onAlert(fakeAlert('pending', ATTACKER, T0));
      // No event-loop turn in between: nothing can be written while these arrive (a flood).
      for (let i = 0; i < 200; i++) feed(rec, tcpFrame(ATTACKER, VICTIM, i, T0 + i, { payload: 1000 }));
      const st = rec.stats();
      assert.ok(st.pendingBytes <= 64 * 1024);
      assert.equal(st.framesDropped, 200 - Math.floor((64 * 1024 - 24) / size));
      await rec.close();
      assert.equal((await readCapture(st.recentFiles[0]!.path)).length, 200 - st.framesDropped);
      assert.equal(rec.stats().pendingBytes, 0);
    }));

  test('default directory: /var/lib/snoopy-tui/pcaps as root, else under the XDG state dir', () => {
    const base = { home: '/home/u', platform: 'linux' as const };
    assert.equal(defaultPcapDir({ ...base, env: {}, isRoot: true }), '/var/lib/snoopy-tui/pcaps');
    assert.equal(defaultPcapDir({ ...base, env: { XDG_STATE_HOME: '/st' }, isRoot: false }), '/st/snoopy-tui/pcaps');
    assert.equal(defaultPcapDir({ ...base, env: {}, isRoot: false }), '/home/u/.local/state/snoopy-tui/pcaps');
  });
});
