import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { GeoTagger } from '../../../src/enrich/geo/index.js';

// The real database, as the engine loads it (offline: geoip-lite ships its data files).
// Loading it costs ~140 MB of buffers in this test process.
describe('GeoTagger with the real geoip-lite', () => {
  test('tags well-known public addresses as geoip-lite does, private ones LAN', async (t) => {
    const geo = new GeoTagger();
    assert.equal(geo.lookup('8.8.8.8'), null, 'not loaded yet');
    await geo.ready();
    const s = geo.stats();
    assert.equal(s.state, 'ready', s.error ?? '');
    t.diagnostic(`geoip-lite loaded in ${s.loadMs} ms`);

    const require = createRequire(import.meta.url);
    const geoip = require('geoip-lite') as { lookup(ip: string): { country: string; region: string; city: string } | null };

    // Sanity list: what the bundled database (GeoLite2 2023-11) says, checked independently.
    const sanity: [string, string][] = [
      ['8.8.8.8', 'US'],
      ['::ffff:8.8.8.8', 'US'],
      ['9.9.9.9', 'US'],
      ['2001:4860:4860::8888', 'US'],
      ['2001:4860:4860:0000:0000:0000:0000:8888', 'US'],
      ['2606:4700:4700::1111', 'US'],
      ['81.2.69.142', 'GB'],
      ['133.242.0.3', 'JP'],
      ['200.160.2.3', 'BR'],
    ];
    for (const [address, country] of sanity) {
      assert.equal(geo.lookup(address)?.country, country, address);
    }

    // Consistency: whatever geoip-lite answers for a public address, the tag says the same.
    for (const address of ['8.8.8.8', '1.1.1.1', '9.9.9.9', '81.2.69.142', '133.242.0.3', '200.160.2.3', '2606:4700:4700::1111', '5.255.255.5', '185.199.108.153']) {
      const own = geoip.lookup(address);
      const tag = geo.lookup(address);
      assert.ok(tag);
      assert.equal(tag.country, own && own.country !== '' ? own.country : '??', address);
      assert.equal(tag.region, own && own.region !== '' ? own.region : null, address);
      assert.equal(tag.city, own && own.city !== '' ? own.city : null, address);
    }

    assert.equal(geo.lookup('10.0.0.1')?.country, 'LAN');
    assert.equal(geo.lookup('fe80::1')?.country, 'LAN');
    assert.equal(geo.lookup('203.0.113.45')?.country, 'RESERVED');
    assert.equal(geo.lookup('2001:db8::1')?.country, 'RESERVED');
  });
});
