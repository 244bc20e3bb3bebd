import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { GeolocateReport } from '../../../src/reports/index.js';
import { countryName } from '../../../src/reports/geolocate.js';
import { alert, fakeGeo, report, sampleHistory, tempDir, writeHistory } from './report-fixture.js';

let dir: string;
let cleanup: () => Promise<void>;
let history: string;

before(async () => {
  ({ dir, cleanup } = await tempDir());
  history = join(dir, 'history.json');
  await writeHistory(history, sampleHistory());
});
after(() => cleanup());

describe('--geolocate', () => {
  test('attacks by country with attackers and share; LAN, RESERVED and unknown grouped', async () => {
    const geo = fakeGeo();
    const run = await report('geolocate', { historyFile: history }, { geoLoader: geo.loader });
    assert.equal(run.status, 0, run.diagnostics.join('\n'));
    const r = JSON.parse(run.stdout) as GeolocateReport;
    assert.equal(r.report, 'geolocate');
    assert.deepEqual(r.totals, { alerts: 8, attackers: 6, countries: 6 });
    assert.deepEqual(
      r.countries.map((c) => [c.country, c.name, c.alerts, c.attackers, c.share_pct]),
      [
        ['GB', 'United Kingdom', 3, 1, 37.5],
        ['??', 'unknown', 1, 1, 12.5],
        ['AU', 'Australia', 1, 1, 12.5],
        ['DE', 'Germany', 1, 1, 12.5],
        ['LAN', 'private network', 1, 1, 12.5],
        ['RESERVED', 'reserved range', 1, 1, 12.5],
      ],
    );
    assert.deepEqual(r.regions, [
      { country: 'GB', region: 'ENG', city: 'London', alerts: 3, attackers: 1 },
      { country: 'DE', region: 'BE', city: 'Berlin', alerts: 1, attackers: 1 },
    ]);
    // LAN and RESERVED addresses never reach the database
    assert.deepEqual(new Set(geo.asked), new Set(['81.2.69.142', '1.1.1.1', '5.5.5.5', '9.9.9.9']));
  });

  test('several attackers in one country add up; IPv4-mapped IPv6 is the same attacker', async () => {
    const file = join(dir, 'gb.json');
    await writeHistory(file, [
      { kind: 'alert', alert: alert('g1', { attacker_ip: '81.2.69.142' }) },
      { kind: 'alert', alert: alert('g2', { attacker_ip: '::ffff:81.2.69.142', attack_type: 'SYN_FLOOD' }) },
      { kind: 'alert', alert: alert('g3', { attacker_ip: '81.2.69.143' }) },
    ]);
    const loader = async () => (ip: string) => (ip.startsWith('81.2.69.') ? { country: 'GB', region: 'ENG', city: ip.endsWith('142') ? 'London' : 'Leeds' } : null);
    const r = JSON.parse((await report('geolocate', { historyFile: file }, { geoLoader: loader })).stdout) as GeolocateReport;
    assert.deepEqual(r.countries, [{ country: 'GB', name: 'United Kingdom', alerts: 3, attackers: 2, share_pct: 100 }]);
    assert.deepEqual(
      r.regions.map((g) => [g.city, g.alerts, g.attackers]),
      [
        ['London', 2, 1],
        ['Leeds', 1, 1],
      ],
    );
  });

  test('table: header, rows with the share, places', async () => {
    const run = await report('geolocate', { historyFile: history, format: 'table' }, { geoLoader: fakeGeo().loader });
    const t = run.stdout;
    assert.match(t, /^Attacks by country$/m);
    assert.match(t, /^ {2}Code\s+Country\s+Alerts\s+Attackers\s+Share$/m);
    assert.match(t, /^ {2}GB\s+United Kingdom\s+3\s+1\s+37\.5%$/m);
    assert.match(t, /^ {2}LAN\s+private network\s+1\s+1\s+12\.5%$/m);
    assert.match(t, /^ {2}\?\?\s+unknown\s+1\s+1\s+12\.5%$/m);
    assert.match(t, /^ {2}London, ENG, GB\s+3\s+1$/m);
  });

  test('an empty history: no rows, exit 0; no history file: exit 1', async () => {
    assert.equal((await report('geolocate', { historyFile: join(dir, 'none.json'), format: 'table' })).status, 1);
    await writeFile(join(dir, 'empty.json'), '{"version":1,"entries":[]}\n');
    const run = await report('geolocate', { historyFile: join(dir, 'empty.json'), format: 'table' });
    assert.equal(run.status, 0);
    assert.match(run.stdout, /Attacks by country\n {2}\(none\)/);
  });

  test('country names: ISO codes named, our groups labelled, anything else unknown', () => {
    assert.equal(countryName('US'), 'United States');
    assert.equal(countryName('LAN'), 'private network');
    assert.equal(countryName('RESERVED'), 'reserved range');
    assert.equal(countryName('??'), 'unknown');
    assert.equal(countryName('\x1b[2J'), 'unknown');
  });
});
