import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BoundedLru } from '../../../src/platform/process-owners/bounded-lru.js';
import { formatCommandLine, parseComm, parsePasswd, parseSocketLink, parseStatStartTime, parseStatusUid } from '../../../src/platform/process-owners/proc-process.js';
import { RateLimitedTask } from '../../../src/platform/process-owners/rate-limited-task.js';
import { FakeClock } from './proc-fake.js';

describe('/proc/PID parsers', () => {
  test('cmdline: NULs become spaces, cut at 512 characters, never half a surrogate pair', () => {
    assert.equal(formatCommandLine('python3\0-m\0http.server\x008089\0'), 'python3 -m http.server 8089');
    assert.equal(formatCommandLine(''), '');
    assert.equal(formatCommandLine('a'.repeat(600)).length, 512);
    const emoji = `${'a'.repeat(511)}😀tail`;
    assert.equal(formatCommandLine(emoji), 'a'.repeat(511));
    assert.equal(formatCommandLine('abcdef', 3), 'abc');
  });

  test('comm, status, stat', () => {
    assert.equal(parseComm('curl\n'), 'curl');
    assert.equal(parseStatusUid('Name:\tping\nUid:\t1000\t0\t0\t0\nGid:\t1000\t1000\t1000\t1000\n'), 0);
    assert.equal(parseStatusUid('Name:\tx\n'), null);
    const stat = '4242 (evil) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000000 100';
    assert.equal(parseStatStartTime(stat), '987654');
    assert.equal(parseStatStartTime('garbage'), null);
  });

  test('passwd: first name per uid, comments and junk skipped', () => {
    const users = parsePasswd('# comment\nroot:x:0:0::/root:/bin/sh\ntoor:x:0:0::/root:/bin/sh\nbad line\nwww-data:x:33:33::/var/www:/bin/false\n:x:5:5::/:/\n');
    assert.deepEqual([...users], [[0, 'root'], [33, 'www-data']]);
  });

  test('socket links', () => {
    assert.equal(parseSocketLink('socket:[174455]'), 174455);
    assert.equal(parseSocketLink('pipe:[174455]'), null);
    assert.equal(parseSocketLink('/dev/null'), null);
    assert.equal(parseSocketLink('socket:[12a]'), null);
  });
});

describe('BoundedLru', () => {
  test('evicts the least recently used past its bound', () => {
    const lru = new BoundedLru<number, string>(3);
    lru.set(1, 'a');
    lru.set(2, 'b');
    lru.set(3, 'c');
    assert.equal(lru.get(1), 'a'); // 1 is now newest
    lru.set(4, 'd'); // evicts 2
    assert.equal(lru.get(2), undefined);
    assert.equal(lru.size, 3);
    assert.equal(lru.evictions, 1);
    lru.set(3, 'C'); // update, no eviction
    assert.equal(lru.evictions, 1);
    assert.equal(lru.get(3), 'C');
    for (let i = 0; i < 1000; i++) lru.set(100 + i, 'x');
    assert.equal(lru.size, 3);
    assert.throws(() => new BoundedLru(0));
  });
});

describe('RateLimitedTask', () => {
  test('concurrent callers share one run', async () => {
    const clock = new FakeClock();
    let runs = 0;
    const task = new RateLimitedTask(async () => ++runs, 100, clock);
    const results = await Promise.all(Array.from({ length: 50 }, () => task.get(clock.now())));
    assert.equal(runs, 1);
    assert.ok(results.every((r) => r.value === 1));
  });

  test('a fresh enough result is reused; a newer need waits out the interval', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const task = new RateLimitedTask(async () => starts.push(clock.now()), 100, clock);
    const first = await task.get(clock.now());
    clock.advance(10);
    assert.equal(await task.get(first.startedAt), first); // started late enough: reused
    const second = await task.get(clock.now()); // needs a run started now or later
    assert.equal(starts.length, 2);
    assert.ok(second.startedAt - first.startedAt >= 100, `${second.startedAt - first.startedAt}`);
    clock.advance(500);
    await task.get(clock.now());
    assert.equal(clock.sleeps.length, 1, 'no wait once the interval has passed');
  });

  test('a need that arises during a run waits for the next one, and everyone then shares it', async () => {
    const clock = new FakeClock();
    let runs = 0;
    let release: () => void = () => {};
    const task = new RateLimitedTask(
      async () => {
        runs++;
        if (runs === 1) await new Promise<void>((r) => (release = r));
        return runs;
      },
      100,
      clock,
    );
    const a = task.get(clock.now());
    await new Promise((r) => setImmediate(r));
    clock.advance(5);
    const late = Array.from({ length: 20 }, () => task.get(clock.now()));
    release();
    assert.equal((await a).value, 1);
    const values = await Promise.all(late);
    assert.ok(values.every((v) => v.value === 2));
    assert.equal(runs, 2);
  });

  test('slow runs spread out: the gap is at least spacingFactor × the last duration', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    const task = new RateLimitedTask(
      async () => {
        starts.push(clock.now());
        clock.advance(50); // a scan of a big host
      },
      100,
      clock,
      4,
    );
    for (let i = 0; i < 4; i++) await task.get(clock.now());
    assert.equal(starts.length, 4);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 200, `gap ${starts[i]! - starts[i - 1]!}`);
  });

  test('a failed run rejects its waiters and does not block later ones', async () => {
    const clock = new FakeClock();
    let fail = true;
    const task = new RateLimitedTask(async () => {
      if (fail) throw new Error('boom');
      return 'ok';
    }, 10, clock);
    await assert.rejects(task.get(clock.now()));
    fail = false;
    assert.equal((await task.get(clock.now())).value, 'ok');
  });
});
