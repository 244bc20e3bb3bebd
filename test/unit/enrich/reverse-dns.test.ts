import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_NAME_LENGTH, ReverseDnsResolver } from '../../../src/enrich/dns/index.js';

// Every test injects `resolve`: no real DNS query is ever made (there is no network here, and
// tests must not send traffic anywhere but loopback).

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fake PTR resolver whose answers are released by hand. */
function manualResolve() {
  const calls: string[] = [];
  const pending = new Map<string, { resolve: (names: string[]) => void; reject: (err: unknown) => void }>();
  const resolve = (ip: string) => {
    calls.push(ip);
    return new Promise<string[]>((res, rej) => pending.set(ip, { resolve: res, reject: rej }));
  };
  return {
    resolve,
    calls,
    answer(ip: string, names: string[]) {
      pending.get(ip)!.resolve(names);
      pending.delete(ip);
    },
    fail(ip: string, err: unknown) {
      pending.get(ip)!.reject(err);
      pending.delete(ip);
    },
  };
}

function dnsError(code: string): Error {
  return Object.assign(new Error(`queryPtr ${code}`), { code });
}

describe('ReverseDnsResolver', () => {
  test('request queues in the background; get answers undefined, then the name; onResolved hears it', async () => {
    const fake = manualResolve();
    const dns = new ReverseDnsResolver({ resolve: fake.resolve });
    const heard: [string, string | null][] = [];
    dns.onResolved((a, n) => heard.push([a, n]));
    assert.equal(dns.get('8.8.8.8'), undefined);
    dns.request('8.8.8.8');
    assert.deepEqual(fake.calls, [], 'request() only queues');
    assert.equal(dns.stats().queued, 1);
    await tick();
    assert.deepEqual(fake.calls, ['8.8.8.8']);
    assert.equal(dns.stats().inFlight, 1);
    assert.equal(dns.get('8.8.8.8'), undefined);
    fake.answer('8.8.8.8', ['dns.google', 'other.example']);
    await tick();
    assert.equal(dns.get('8.8.8.8'), 'dns.google');
    assert.equal(dns.get('::ffff:8.8.8.8'), 'dns.google', 'mapped spelling, same entry');
    assert.deepEqual(heard, [['8.8.8.8', 'dns.google']]);
    const s = dns.stats();
    assert.equal(s.resolved, 1);
    assert.equal(s.inFlight, 0);
    assert.equal(s.cacheSize, 1);
  });

  test('concurrent requests for one address make one query', async () => {
    const fake = manualResolve();
    const dns = new ReverseDnsResolver({ resolve: fake.resolve });
    dns.request('2001:4860:4860::8888');
    dns.request('2001:4860:4860:0:0:0:0:8888');
    dns.request('2001:4860:4860::8888');
    await tick();
    dns.request('2001:4860:4860::8888'); // in flight now
    assert.deepEqual(fake.calls, ['2001:4860:4860::8888']);
    fake.answer('2001:4860:4860::8888', ['dns.google']);
    await tick();
    dns.request('2001:4860:4860::8888'); // cached now
    await tick();
    assert.equal(fake.calls.length, 1);
    assert.equal(dns.stats().deduplicated, 4);
  });

  test('concurrency is bounded; finished queries make room for waiting ones', async () => {
    const fake = manualResolve();
    const dns = new ReverseDnsResolver({ resolve: fake.resolve, concurrency: 2 });
    for (let i = 1; i <= 5; i++) dns.request(`1.0.0.${i}`);
    await tick();
    assert.deepEqual(fake.calls, ['1.0.0.1', '1.0.0.2']);
    assert.equal(dns.stats().inFlight, 2);
    assert.equal(dns.stats().queued, 3);
    fake.answer('1.0.0.2', ['b.example']);
    await tick();
    assert.deepEqual(fake.calls, ['1.0.0.1', '1.0.0.2', '1.0.0.3']);
    fake.fail('1.0.0.1', dnsError('ENOTFOUND'));
    fake.answer('1.0.0.3', []);
    await tick();
    assert.deepEqual(fake.calls, ['1.0.0.1', '1.0.0.2', '1.0.0.3', '1.0.0.4', '1.0.0.5']);
    assert.equal(dns.stats().inFlight, 2);
    assert.equal(dns.stats().queued, 0);
  });

  test('a full queue drops its oldest waiting address and counts it; the queue never grows past maxQueue', async () => {
    const fake = manualResolve();
    const dns = new ReverseDnsResolver({ resolve: fake.resolve, concurrency: 1, maxQueue: 3 });
    for (let i = 1; i <= 6; i++) dns.request(`1.0.0.${i}`);
    assert.equal(dns.stats().queued, 3);
    assert.equal(dns.stats().dropped, 3);
    await tick();
    assert.deepEqual(fake.calls, ['1.0.0.4'], 'the newest three were kept');
    assert.equal(dns.stats().queued, 2);
    for (let i = 0; i < 10_000; i++) dns.request(`2.0.${i >> 8}.${i & 255}`);
    assert.equal(dns.stats().queued, 3);
    assert.equal(dns.stats().dropped, 3 + 9_999);
    // A dropped address can be asked for again.
    dns.request('1.0.0.1');
    assert.equal(dns.stats().queued, 3);
    assert.equal(dns.get('1.0.0.1'), undefined);
  });

  test('a hanging query times out: no name, counted, and its slot is freed', async (t) => {
    // The query timeout is a setTimeout: mocked, it fires when the test ticks past it.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const calls: string[] = [];
    const dns = new ReverseDnsResolver({
      concurrency: 1,
      timeoutMs: 20,
      resolve: (ip) => {
        calls.push(ip);
        return ip === '1.0.0.1' ? new Promise<string[]>(() => {}) : Promise.resolve(['two.example']);
      },
    });
    const heard: [string, string | null][] = [];
    dns.onResolved((a, n) => heard.push([a, n]));
    dns.request('1.0.0.1');
    dns.request('1.0.0.2');
    await tick();
    assert.deepEqual(calls, ['1.0.0.1']);
    t.mock.timers.tick(19);
    await tick();
    assert.deepEqual(calls, ['1.0.0.1'], 'still waiting for the first answer 1 ms before the timeout');
    t.mock.timers.tick(1);
    await tick();
    assert.deepEqual(calls, ['1.0.0.1', '1.0.0.2']);
    assert.equal(dns.get('1.0.0.1'), null);
    assert.equal(dns.get('1.0.0.2'), 'two.example');
    assert.deepEqual(heard, [
      ['1.0.0.1', null],
      ['1.0.0.2', 'two.example'],
    ]);
    const s = dns.stats();
    assert.equal(s.timedOut, 1);
    assert.equal(s.resolved, 1);
    assert.equal(s.inFlight, 0);
  });

  test('failures never throw: NXDOMAIN is "no name", other errors and sync throws are failures, ETIMEOUT is a timeout', async () => {
    const outcomes: Record<string, () => Promise<string[]>> = {
      '1.0.0.1': () => Promise.reject(dnsError('ENOTFOUND')),
      '1.0.0.2': () => Promise.reject(dnsError('ENODATA')),
      '1.0.0.3': () => Promise.reject(dnsError('ESERVFAIL')),
      '1.0.0.4': () => {
        throw new Error('sync boom');
      },
      '1.0.0.5': () => Promise.reject('not even an Error'),
      '1.0.0.6': () => Promise.reject(dnsError('ETIMEOUT')),
      '1.0.0.7': () => Promise.resolve([]),
      '1.0.0.8': () => Promise.resolve(null as unknown as string[]),
      '1.0.0.9': () => Promise.resolve([42 as unknown as string]),
      '1.0.0.10': () => Promise.resolve(['']),
    };
    const dns = new ReverseDnsResolver({ resolve: (ip) => outcomes[ip]!(), concurrency: 16 });
    for (const ip of Object.keys(outcomes)) dns.request(ip);
    await tick();
    await tick();
    for (const ip of Object.keys(outcomes)) assert.equal(dns.get(ip), null, ip);
    const s = dns.stats();
    assert.equal(s.resolved, 6);
    assert.equal(s.failed, 3);
    assert.equal(s.timedOut, 1);
  });

  test('names are kept raw: first name only, cut at 253 characters, not sanitised', async () => {
    const long = `${'a'.repeat(63)}.`.repeat(5);
    const hostile = 'evil\u001b[2J\u202e.example';
    const answers: Record<string, string[]> = { '1.0.0.1': [long, 'second.example'], '1.0.0.2': [hostile] };
    const dns = new ReverseDnsResolver({ resolve: async (ip) => answers[ip]! });
    dns.request('1.0.0.1');
    dns.request('1.0.0.2');
    await tick();
    await tick();
    assert.equal(dns.get('1.0.0.1'), long.slice(0, MAX_NAME_LENGTH));
    assert.equal(dns.get('1.0.0.1')!.length, 253);
    assert.equal(dns.get('1.0.0.2'), hostile);
  });

  test('LAN and RESERVED addresses are never sent to DNS unless allowed; invalid ones never', async () => {
    const special = ['10.0.0.1', '192.168.1.1', '::ffff:172.16.0.1', 'fe80::1%eth0', 'fd00::1', '127.0.0.1', '100.64.0.1', '192.0.2.1', '2001:db8::1', '224.0.0.251', 'ff02::1'];
    const calls: string[] = [];
    const dns = new ReverseDnsResolver({ resolve: async (ip) => (calls.push(ip), ['x.example']) });
    for (const a of special) dns.request(a);
    dns.request('not an address');
    await tick();
    assert.equal(calls.length, 0);
    assert.equal(dns.stats().skipped, special.length + 1);
    for (const a of special) assert.equal(dns.get(a), null, a);
    assert.equal(dns.get('not an address'), null);

    const allowing = new ReverseDnsResolver({ resolve: async (ip) => (calls.push(ip), ['router.lan']), resolveSpecial: true });
    allowing.request('::ffff:192.168.1.1');
    allowing.request('not an address');
    await tick();
    await tick();
    assert.deepEqual(calls, ['192.168.1.1']);
    assert.equal(allowing.get('192.168.1.1'), 'router.lan');
  });

  test('positive, negative and error lifetimes follow the injected clock', async () => {
    let now = 1_000_000;
    const calls: string[] = [];
    const answers: Record<string, () => Promise<string[]>> = {
      '1.0.0.1': async () => ['name.example'],
      '1.0.0.2': () => Promise.reject(dnsError('ENOTFOUND')),
      '1.0.0.3': () => Promise.reject(dnsError('EREFUSED')),
    };
    const dns = new ReverseDnsResolver({
      resolve: (ip) => (calls.push(ip), answers[ip]!()),
      now: () => now,
      positiveTtlMs: 10_000,
      negativeTtlMs: 5_000,
      errorTtlMs: 1_000,
    });
    const askAll = async () => {
      for (const ip of Object.keys(answers)) dns.request(ip);
      await tick();
      await tick();
    };
    await askAll();
    assert.equal(calls.length, 3);
    assert.equal(dns.get('1.0.0.1'), 'name.example');
    assert.equal(dns.get('1.0.0.2'), null);
    assert.equal(dns.get('1.0.0.3'), null);

    now += 999;
    await askAll();
    assert.equal(calls.length, 3, 'all still fresh');
    now += 1;
    assert.equal(dns.get('1.0.0.3'), undefined, 'error lifetime over');
    assert.equal(dns.get('1.0.0.2'), null);
    await askAll();
    assert.deepEqual(calls.slice(3), ['1.0.0.3']);

    now += 4_000; // 5,000 after the first answers
    assert.equal(dns.get('1.0.0.2'), undefined, 'negative lifetime over');
    assert.equal(dns.get('1.0.0.1'), 'name.example');
    now += 5_000; // 10,000
    assert.equal(dns.get('1.0.0.1'), undefined, 'positive lifetime over');
    await askAll();
    assert.deepEqual(calls.slice(4).sort(), ['1.0.0.1', '1.0.0.2', '1.0.0.3']);
    assert.equal(dns.get('1.0.0.1'), 'name.example');
  });

  test('the cache is bounded, least recently used first', async () => {
    const dns = new ReverseDnsResolver({ resolve: async (ip) => [`h${ip}`], cacheSize: 2 });
    const ask = async (ip: string) => {
      dns.request(ip);
      await tick();
      await tick();
    };
    await ask('1.0.0.1');
    await ask('1.0.0.2');
    assert.equal(dns.get('1.0.0.1'), 'h1.0.0.1'); // now most recent
    await ask('1.0.0.3');
    assert.equal(dns.stats().cacheSize, 2);
    assert.equal(dns.stats().evicted, 1);
    assert.equal(dns.get('1.0.0.2'), undefined);
    assert.equal(dns.get('1.0.0.1'), 'h1.0.0.1');
    assert.equal(dns.get('1.0.0.3'), 'h1.0.0.3');
  });

  test('a throwing listener does not stop the others; unsubscribe works', async () => {
    const dns = new ReverseDnsResolver({ resolve: async () => ['n.example'] });
    const heard: string[] = [];
    dns.onResolved(() => {
      throw new Error('listener bug');
    });
    const off = dns.onResolved((a) => heard.push(`b:${a}`));
    dns.onResolved((a) => heard.push(`c:${a}`));
    dns.request('1.0.0.1');
    await tick();
    await tick();
    off();
    dns.request('1.0.0.2');
    await tick();
    await tick();
    assert.deepEqual(heard, ['b:1.0.0.1', 'c:1.0.0.1', 'c:1.0.0.2']);
  });

  test('close() drops waiting requests and ignores answers still in flight', async () => {
    const fake = manualResolve();
    const dns = new ReverseDnsResolver({ resolve: fake.resolve, concurrency: 1 });
    const heard: string[] = [];
    dns.onResolved((a) => heard.push(a));
    dns.request('1.0.0.1');
    dns.request('1.0.0.2');
    await tick();
    dns.close();
    fake.answer('1.0.0.1', ['late.example']);
    dns.request('1.0.0.3');
    await tick();
    assert.deepEqual(fake.calls, ['1.0.0.1']);
    assert.deepEqual(heard, []);
    assert.equal(dns.get('1.0.0.1'), undefined);
    assert.equal(dns.stats().queued, 0);
    assert.equal(dns.stats().inFlight, 0);
  });

  test('the default system resolver is not touched for skipped addresses', () => {
    const dns = new ReverseDnsResolver();
    dns.request('10.0.0.1');
    dns.request('::1');
    assert.equal(dns.stats().skipped, 2);
    assert.equal(dns.stats().queued, 0);
    dns.close();
  });
});
