import assert from 'node:assert/strict';
import { test } from 'node:test';
import geoip from 'geoip-lite';
import { loadCountryDatabase } from '../../../src/enrich/geo/country-database.js';

/** A fixed pseudo-random walk over the address space (no Math.random: reproducible). */
function* addresses(n: number): Generator<string> {
  let x = 0x9e3779b9;
  const next = () => (x = (Math.imul(x ^ (x >>> 15), 0x85ebca6b) + 0x6b43a9b5) >>> 0);
  for (let i = 0; i < n; i++) {
    if (i % 4 === 0) yield [0x2000 | (next() & 0x0fff), next() & 0xffff, next() & 0xffff, next() & 0xffff].map((g) => g.toString(16)).join(':') + '::1';
    else yield [next() >>> 24, next() >>> 24, next() >>> 24, next() >>> 24].join('.');
  }
}

test("country-only lookups answer what geoip-lite answers, from its own country tables", async () => {
  const lookup = await loadCountryDatabase();
  let compared = 0;
  for (const ip of addresses(20_000)) {
    const theirs = geoip.lookup(ip)?.country || null;
    const ours = lookup(ip)?.country ?? null;
    assert.equal(ours, theirs, ip);
    compared++;
  }
  assert.equal(compared, 20_000);
  assert.equal(lookup('81.2.69.142')?.country, 'GB');
  assert.equal(lookup('::ffff:81.2.69.142')?.country, 'GB');
  assert.equal(lookup('not an address'), null);
});
