import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { GeoTagger, type GeoLookupFn, type GeoRecord } from '../../../src/enrich/geo/index.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A fake database: a table, and a log of what it was asked. */
function fakeDb(table: Record<string, GeoRecord | null>) {
  const asked: string[] = [];
  const fn: GeoLookupFn = (ip) => {
    asked.push(ip);
    return table[ip] ?? null;
  };
  return { fn, asked };
}

/** A loader that counts calls and resolves when told. */
function gatedLoader(fn: GeoLookupFn) {
  let calls = 0;
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const loader = async () => {
    calls++;
    await gate;
    return fn;
  };
  return { loader, open: () => open(), calls: () => calls };
}

const TABLE: Record<string, GeoRecord | null> = {
  '8.8.8.8': { country: 'US', region: '', city: '' },
  '81.2.69.142': { country: 'GB', region: 'ENG', city: 'St Albans' },
  '2001:4860:4860::8888': { country: 'US', region: '', city: '' },
  '1.1.1.1': { country: '', region: '', city: '' },
};

describe('GeoTagger', () => {
  test('special ranges are answered without ever loading the database', async () => {
    const { loader, calls } = gatedLoader(fakeDb(TABLE).fn);
    const geo = new GeoTagger({ loader });
    const expect: [string, string][] = [
      ['10.1.2.3', 'LAN'],
      ['192.168.0.1', 'LAN'],
      ['100.64.1.1', 'LAN'],
      ['127.0.0.1', 'LAN'],
      ['169.254.9.9', 'LAN'],
      ['::1', 'LAN'],
      ['fd00::5', 'LAN'],
      ['fe80::1%eth0', 'LAN'],
      ['::ffff:172.16.5.4', 'LAN'],
      ['0:0:0:0:0:ffff:0a00:0001', 'LAN'],
      ['192.0.2.1', 'RESERVED'],
      ['198.51.100.7', 'RESERVED'],
      ['203.0.113.45', 'RESERVED'],
      ['2001:db8::1', 'RESERVED'],
      ['2001:0DB8:0000:0000:0000:0000:0000:0001', 'RESERVED'],
      ['224.0.0.251', 'RESERVED'],
      ['ff02::fb', 'RESERVED'],
      ['255.255.255.255', 'RESERVED'],
      ['0.0.0.0', 'RESERVED'],
      ['198.18.0.9', 'RESERVED'],
      ['192.88.99.1', 'RESERVED'],
      ['not-an-ip', '??'],
    ];
    for (const [address, country] of expect) {
      assert.deepEqual(geo.lookup(address), { country, region: null, city: null }, address);
    }
    await tick();
    assert.equal(calls(), 0);
    const s = geo.stats();
    assert.equal(s.state, 'idle');
    assert.equal(s.special, expect.length);
    assert.equal(s.databaseLookups, 0);
  });

  test('the default loader does not touch geoip-lite for LAN / RESERVED lookups (module load is free)', async () => {
    const geo = new GeoTagger();
    geo.lookup('10.0.0.1');
    geo.lookup('2001:db8::1');
    await tick();
    const cache = createRequire(import.meta.url).cache;
    assert.deepEqual(Object.keys(cache).filter((k) => k.includes(`geoip-lite`)), []);
    assert.equal(geo.stats().state, 'idle');
  });

  test('the database loads lazily, once, on the first public lookup; null until then', async () => {
    const db = fakeDb(TABLE);
    const gated = gatedLoader(db.fn);
    const geo = new GeoTagger({ loader: gated.loader });
    assert.equal(gated.calls(), 0, 'nothing at construction');
    assert.equal(geo.lookup('8.8.8.8'), null);
    assert.equal(gated.calls(), 0, 'the loader runs after lookup returns');
    await tick();
    assert.equal(gated.calls(), 1);
    assert.equal(geo.stats().state, 'loading');
    assert.equal(geo.lookup('8.8.8.8'), null);
    assert.equal(geo.lookup('81.2.69.142'), null);
    assert.deepEqual(geo.lookup('10.0.0.1'), { country: 'LAN', region: null, city: null }, 'special ranges do not wait');
    await tick();
    assert.equal(gated.calls(), 1, 'one load, however many lookups');
    gated.open();
    await geo.ready();
    const s = geo.stats();
    assert.equal(s.state, 'ready');
    assert.equal(s.error, null);
    assert.equal(typeof s.loadMs, 'number');
    assert.equal(s.pendingWhileLoading, 3);
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: 'US', region: null, city: null });
    assert.deepEqual(geo.lookup('81.2.69.142'), { country: 'GB', region: 'ENG', city: 'St Albans' });
    assert.equal(gated.calls(), 1);
  });

  test('ready() starts the load by itself and resolves once', async () => {
    const gated = gatedLoader(fakeDb(TABLE).fn);
    const geo = new GeoTagger({ loader: gated.loader });
    const p1 = geo.ready();
    const p2 = geo.ready();
    gated.open();
    await Promise.all([p1, p2]);
    assert.equal(gated.calls(), 1);
    assert.equal(geo.stats().state, 'ready');
    assert.deepEqual(geo.lookup('2001:4860:4860::8888'), { country: 'US', region: null, city: null });
  });

  test('IPv6 spellings and IPv4 carried in IPv6 reach the database in canonical form', async () => {
    const db = fakeDb(TABLE);
    const geo = new GeoTagger({ loader: async () => db.fn });
    await geo.ready();
    assert.equal(geo.lookup('::ffff:8.8.8.8')?.country, 'US');
    assert.equal(geo.lookup('0:0:0:0:0:ffff:0808:0808')?.country, 'US');
    assert.equal(geo.lookup('64:ff9b::808:808')?.country, 'US');
    assert.equal(geo.lookup('2001:4860:4860:0000:0000:0000:0000:8888')?.country, 'US');
    assert.equal(geo.lookup('2001:4860:4860::8888%eth0')?.country, 'US');
    assert.deepEqual(db.asked, ['8.8.8.8', '8.8.8.8', '8.8.8.8', '2001:4860:4860::8888', '2001:4860:4860::8888']);
  });

  test('no record, an empty country, or a throwing database give ??', async () => {
    const geo = new GeoTagger({ loader: async () => fakeDb(TABLE).fn });
    await geo.ready();
    assert.deepEqual(geo.lookup('1.1.1.1'), { country: '??', region: null, city: null });
    assert.deepEqual(geo.lookup('5.5.5.5'), { country: '??', region: null, city: null });
    const throwing = new GeoTagger({
      loader: async () => () => {
        throw new Error('corrupt buffer');
      },
    });
    await throwing.ready();
    assert.deepEqual(throwing.lookup('8.8.8.8'), { country: '??', region: null, city: null });
    assert.equal(geo.stats().unknown, 2);
  });

  test('the cache is bounded and least-recently-used goes first', async () => {
    const db = fakeDb({});
    const geo = new GeoTagger({ loader: async () => db.fn, cacheSize: 3 });
    await geo.ready();
    for (const a of ['1.0.0.1', '1.0.0.2', '1.0.0.3']) geo.lookup(a);
    geo.lookup('1.0.0.1'); // hit: now most recent
    geo.lookup('1.0.0.4'); // evicts 1.0.0.2
    assert.equal(geo.stats().cacheSize, 3);
    assert.equal(geo.stats().evictions, 1);
    db.asked.length = 0;
    geo.lookup('1.0.0.1');
    geo.lookup('1.0.0.3');
    geo.lookup('1.0.0.4');
    assert.deepEqual(db.asked, [], 'still cached');
    geo.lookup('1.0.0.2');
    assert.deepEqual(db.asked, ['1.0.0.2'], 'was evicted');
    for (let i = 0; i < 1000; i++) geo.lookup(`2.0.${i >> 8}.${i & 255}`);
    for (let i = 0; i < 1000; i++) geo.lookup(`10.0.${i >> 8}.${i & 255}`);
    assert.equal(geo.stats().cacheSize, 3);
    assert.equal(geo.stats().cacheCapacity, 3);
  });

  test('a rejected load: public addresses get ??, the error is one line, no retry', async () => {
    let calls = 0;
    const geo = new GeoTagger({
      loader: async () => {
        calls++;
        const err = new Error("ENOENT: no such file or directory, open '/x/geoip-city-names.dat'\n    at Object.openSync") as Error & { code: string };
        err.code = 'ENOENT';
        throw err;
      },
    });
    assert.equal(geo.lookup('8.8.8.8'), null);
    await geo.ready();
    const s = geo.stats();
    assert.equal(s.state, 'failed');
    assert.ok(s.error);
    assert.doesNotMatch(s.error, /\n/);
    assert.match(s.error, /geoip-city-names\.dat/);
    assert.deepEqual(geo.lookup('8.8.8.8'), { country: '??', region: null, city: null });
    assert.deepEqual(geo.lookup('2a00:1450::1'), { country: '??', region: null, city: null });
    assert.deepEqual(geo.lookup('192.168.1.1'), { country: 'LAN', region: null, city: null });
    await geo.ready();
    assert.equal(calls, 1);
  });

  test('a loader that throws synchronously, throws a non-Error, or returns no function fails the same way', async () => {
    const loaders: (() => Promise<GeoLookupFn>)[] = [
      () => {
        throw new TypeError('boom');
      },
      () => Promise.reject({ code: 'EMPTY_FILE' }),
      async () => 42 as unknown as GeoLookupFn,
    ];
    const errors: string[] = [];
    for (const loader of loaders) {
      const geo = new GeoTagger({ loader });
      assert.equal(geo.lookup('8.8.8.8'), null);
      await geo.ready();
      assert.equal(geo.stats().state, 'failed');
      assert.equal(geo.lookup('8.8.8.8')?.country, '??');
      errors.push(geo.stats().error ?? '');
    }
    assert.match(errors[0]!, /boom/);
    assert.match(errors[1]!, /EMPTY_FILE/);
    assert.match(errors[2]!, /lookup function/);
  });

  test('stats count lookups, hits and database queries', async () => {
    const geo = new GeoTagger({ loader: async () => fakeDb(TABLE).fn });
    await geo.ready();
    geo.lookup('8.8.8.8');
    geo.lookup('8.8.8.8');
    geo.lookup('10.0.0.1');
    geo.lookup('10.0.0.1');
    const s = geo.stats();
    assert.equal(s.lookups, 4);
    assert.equal(s.cacheHits, 2);
    assert.equal(s.databaseLookups, 1);
    assert.equal(s.special, 1);
    assert.equal(s.cacheSize, 2);
  });
});
