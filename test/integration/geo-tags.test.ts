import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { defaultRunConfig } from '../../src/config/run-config.js';
import type { EngineToUi } from '../../src/engine/protocol.js';
import { EngineClient } from '../../src/ui/engine-client.js';
import { FIXTURES, runCli } from '../support/run-cli.js';
import { withTimeout } from '../support/wait-for.js';

const geoip = createRequire(import.meta.url)('geoip-lite') as { lookup(ip: string): { country: string } | null };

describe('geo tags on replays', () => {
  test('a public attacker gets the country geoip-lite gives; a private one says LAN', () => {
    const pub = runCli(['--replay', `${FIXTURES}nmap-syn-public.pcap`, '--headless']);
    assert.equal(pub.status, 0, pub.stderr);
    const lines = pub.lines.filter((l) => l.id !== undefined);
    const last = lines.at(-1)!;
    assert.equal(last.attacker_ip, '81.2.69.142');
    assert.equal(last.country, geoip.lookup('81.2.69.142')!.country);
    assert.equal(last.country, 'GB');
    const lan = runCli(['--replay', `${FIXTURES}nmap-syn.pcap`, '--headless']);
    assert.equal(lan.lines.find((l) => l.event_type === 'alert')!.country, 'LAN');
  });

  test('the engine process tags feed packets and flows with the remote country', async () => {
    const client = new EngineClient();
    const seen: EngineToUi[] = [];
    const ended = new Promise<void>((resolve) => client.onMessage((m) => (seen.push(m), m.type === 'ended' && resolve())));
    client.start({ ...defaultRunConfig(), replayFile: `${FIXTURES}nmap-syn-public.pcap`, speed: 1 });
    try {
      // The end of the replay is the event: every snapshot of it has arrived by then.
      await withTimeout(ended, 60_000, () => `the 'ended' message (saw ${seen.map((m) => m.type).join(',') || 'nothing'}; engine stderr: ${client.stderrLines.join(' | ')})`);
    } finally {
      await client.stop();
    }
    const snapshots = seen.flatMap((m) => (m.type === 'snapshot' ? [m.snapshot] : []));
    const packets = snapshots.flatMap((s) => s.newPackets).filter((p) => p.src === '81.2.69.142' || p.dst === '81.2.69.142');
    const flows = snapshots.flatMap((s) => s.flows).filter((f) => f.origAddr === '81.2.69.142');
    const tags = (xs: { country: string | null }[]) => JSON.stringify([...new Set(xs.map((x) => x.country))]);
    assert.ok(packets.length > 0 && flows.length > 0, `snapshots carry the attacker's packets (${packets.length}) and flows (${flows.length})`);
    assert.ok(packets.some((p) => p.country === 'GB'), `a feed packet of 81.2.69.142 is tagged GB (tags seen: ${tags(packets)})`);
    assert.ok(flows.some((f) => f.country === 'GB'), `a flow from 81.2.69.142 is tagged GB (tags seen: ${tags(flows)})`);
  });
});
