import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReplayPacer } from '../../../src/engine/capture/file/replay-pacer.js';
import { openCaptureFile } from '../../../src/engine/capture/file/open-capture-file.js';
import { BATCH_RECORDS } from '../../../src/engine/capture/file/file-packet-source.js';
import { buildPcap, frame, writeTmp } from './capture-builder.js';

function fakeClock(): { now: () => number; advance: (ms: number) => void; reads: () => number } {
  let t = 1000;
  let reads = 0;
  return {
    now: () => {
      reads++;
      return t;
    },
    advance: (ms) => {
      t += ms;
    },
    reads: () => reads,
  };
}

describe('ReplayPacer', () => {
  it('delivers the first packet at once and later ones at N× recorded time', () => {
    const clock = fakeClock();
    const pacer = new ReplayPacer(2, 5e6, clock.now);
    assert.equal(pacer.delayMs(10_000_000), 0);
    assert.equal(pacer.delayMs(11_000_000), 500); // 1 s recorded at 2× = 500 ms
    assert.equal(pacer.delayMs(11_000_000), 500); // asking again changes nothing
    clock.advance(499);
    assert.equal(pacer.delayMs(11_000_000), 1);
    clock.advance(1);
    assert.equal(pacer.delayMs(11_000_000), 0);
    assert.equal(pacer.delayMs(11_400_000), 200);
  });

  it('does not read the clock for packets already known to be due', () => {
    const clock = fakeClock();
    const pacer = new ReplayPacer(1, 5e6, clock.now);
    pacer.delayMs(0);
    clock.advance(1000);
    assert.equal(pacer.delayMs(500_000), 0); // reads the clock once: now 1000 ms in
    const before = clock.reads();
    for (let ts = 500_001; ts < 900_000; ts += 1000) assert.equal(pacer.delayMs(ts), 0);
    assert.equal(clock.reads(), before);
  });

  it('compresses gaps longer than the maximum and ignores backward timestamps', () => {
    const clock = fakeClock();
    const pacer = new ReplayPacer(1, 5e6, clock.now);
    pacer.delayMs(0);
    assert.equal(pacer.delayMs(3_600_000_000), 5000); // an hour of silence plays as 5 s
    clock.advance(5000);
    assert.equal(pacer.delayMs(3_600_000_000), 0);
    assert.equal(pacer.delayMs(3_500_000_000), 0); // backwards: due at once
    assert.equal(pacer.delayMs(3_601_000_000), 1000); // measured from the latest timestamp
  });

  it('does not fall further behind after a slow consumer', () => {
    const clock = fakeClock();
    const pacer = new ReplayPacer(1, 5e6, clock.now);
    pacer.delayMs(0);
    clock.advance(3000); // consumer stalled 3 s
    assert.equal(pacer.delayMs(1_000_000), 0);
    assert.equal(pacer.delayMs(2_000_000), 0);
    assert.equal(pacer.delayMs(4_000_000), 1000);
  });
});

describe('paced replay', () => {
  it('plays a 1 s capture at speed 10 in about 0.1 s', async () => {
    const records = Array.from({ length: 101 }, (_, i) => ({ sec: 1_700_000_000 + Math.floor(i / 100), frac: (i % 100) * 10_000, data: frame(60, i) }));
    const file = writeTmp(buildPcap({ le: true }, records).bytes);
    const source = await openCaptureFile(file, { speed: 10 });
    const times: number[] = [];
    const t0 = performance.now();
    const end = await source.start(() => times.push(performance.now()));
    const elapsed = performance.now() - t0;
    assert.deepEqual(end, { reason: 'eof' });
    assert.equal(times.length, 101);
    assert.ok(elapsed >= 95 && elapsed < 1000, `elapsed ${elapsed} ms`);
    // The middle packet (0.5 s recorded) comes about 50 ms after the first.
    const mid = times[50]! - times[0]!;
    assert.ok(mid >= 45 && mid < 400, `middle packet after ${mid} ms`);
  });

  it('stop() during a paced replay resolves `stopped` promptly', async () => {
    const records = Array.from({ length: 11 }, (_, i) => ({ sec: 1_700_000_000 + i, frac: 0, data: frame(60, i) }));
    const file = writeTmp(buildPcap({ le: false }, records).bytes);
    const source = await openCaptureFile(file, { speed: 1 });
    const times: number[] = [];
    let stoppedAt = 0;
    const end = await source.start(() => {
      times.push(performance.now());
      // Stopped once the pacer, past the packet of t = 1 s, waits a second for the next one.
      if (times.length === 2)
        setImmediate(() => {
          stoppedAt = performance.now();
          source.stop();
        });
    });
    const resolvedAt = performance.now();
    assert.deepEqual(end, { reason: 'stopped' });
    assert.equal(times.length, 2); // t=0 and t=1 s
    assert.equal(source.stats().received, 2);
    // Paced: the second packet waited for its second (a busy machine only makes this longer).
    assert.ok(times[1]! - times[0]! >= 950, `second packet after ${times[1]! - times[0]!} ms`);
    // Prompt: start() did not wait out the second until the next packet was due.
    assert.ok(resolvedAt - stoppedAt < 900, `resolved ${resolvedAt - stoppedAt} ms after stop()`);
  });

  it('stop() before start() makes start() resolve `stopped` without packets', async () => {
    const file = writeTmp(buildPcap({ le: true }, [{ sec: 1, frac: 0, data: frame(10, 0) }]).bytes);
    const source = await openCaptureFile(file);
    source.stop();
    let received = 0;
    assert.deepEqual(await source.start(() => received++), { reason: 'stopped' });
    assert.equal(received, 0);
  });

  it('a second start() resolves with an error instead of throwing', async () => {
    const file = writeTmp(buildPcap({ le: true }, [{ sec: 1, frac: 0, data: frame(10, 0) }]).bytes);
    const source = await openCaptureFile(file);
    const first = source.start(() => undefined);
    const second = await source.start(() => undefined);
    assert.equal(second.reason, 'error');
    assert.deepEqual(await first, { reason: 'eof' });
  });
});

describe('unpaced replay', () => {
  it('yields to the event loop while reading, and stop() from a timer ends it', async () => {
    const n = BATCH_RECORDS * 6;
    const records = Array.from({ length: n }, (_, i) => ({ sec: i, frac: 0, data: frame(1, i) }));
    const file = writeTmp(buildPcap({ le: true }, records).bytes);
    const source = await openCaptureFile(file, { readChunkBytes: 1 << 20 });
    let received = 0;
    const end = await source.start(() => {
      received++;
      if (received === BATCH_RECORDS * 2 + 1) setImmediate(() => source.stop());
    });
    assert.deepEqual(end, { reason: 'stopped' });
    // The setImmediate ran (and stopped the source) before the file was read to its end.
    assert.ok(received > BATCH_RECORDS * 2 && received <= BATCH_RECORDS * 3, `received ${received}`);
  });

  it('stop() called from inside the sink takes effect after that packet', async () => {
    const records = Array.from({ length: 100 }, (_, i) => ({ sec: i, frac: 0, data: frame(10, i) }));
    const file = writeTmp(buildPcap({ le: true }, records).bytes);
    const source = await openCaptureFile(file);
    let received = 0;
    const end = await source.start(() => {
      if (++received === 10) source.stop();
    });
    assert.deepEqual(end, { reason: 'stopped' });
    assert.equal(received, 10);
  });

  it('a throwing sink rejects start() with its own error (a caller bug, not bad input)', async () => {
    const file = writeTmp(buildPcap({ le: true }, [{ sec: 1, frac: 0, data: frame(10, 0) }]).bytes);
    const source = await openCaptureFile(file);
    await assert.rejects(
      source.start(() => {
        throw new Error('boom');
      }),
      /boom/,
    );
  });
});
