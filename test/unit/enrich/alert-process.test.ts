import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AlertEnricher } from '../../../src/enrich/alert-enricher.js';
import { FlowProcessTagger } from '../../../src/enrich/flow-process-tagger.js';
import type { GeoTagger } from '../../../src/enrich/geo/index.js';
import type { Alert } from '../../../src/model/alert.js';
import { CidrSet } from '../../../src/net/cidr-set.js';
import type { ProcessInfo, ProcessOwnerLookup, SocketKey } from '../../../src/platform/process-owners/process-owner-lookup.js';
import { tcpPacket } from '../../support/packet-factory.js';
import { waitFor } from '../../support/wait-for.js';

const python: ProcessInfo = { pid: 42, name: 'python3', commandLine: 'python3 -m http.server 80', user: 'root', uid: 0 };
const curl: ProcessInfo = { pid: 43, name: 'curl', commandLine: 'curl http://198.51.100.7:4444/', user: 'root', uid: 0 };

/** Owners by socket: the listener on :80, and one outbound connection of curl. */
function owners(asked: SocketKey[] = []): ProcessOwnerLookup {
  return {
    lookup: async (key) => {
      asked.push(key);
      if (key.remoteAddress === null && key.localPort === 80) return python;
      if (key.remoteAddress === '198.51.100.7' && key.remotePort === 4444) return curl;
      return null;
    },
    stats: () => ({ hits: 0, misses: 0, rescans: 0, cacheSize: 0 }),
    close: () => undefined,
  };
}

function alert(over: Partial<Alert> = {}): Alert {
  return {
    event_type: 'alert', id: 'a', timestamp: '2025-01-01T00:00:00.000Z', attack_type: 'SQL_INJECTION', severity: 'high', attacker_ip: '203.0.113.5', target_ip: '10.0.0.2', target_port: 80,
    protocol: 'tcp', packet_count: 1, duration: 0, reverse_dns: null, country: null, process: null, action: 'logged',
    attack_details: { service: 'HTTP', first_seen: '2025-01-01T00:00:00.000Z', interface: 'eth0', platform_info: 'Linux' }, ...over,
  };
}

const home = CidrSet.parse(['10.0.0.0/24']);

describe('process on alerts', () => {
  test('an alert against a local listener names it: at once when its socket is cached, else in an update', async () => {
    const asked: SocketKey[] = [];
    const tagger = new FlowProcessTagger(owners(asked), home);
    const changed: Alert[] = [];
    const enricher = new AlertEnricher(null, null, (a) => changed.push(a), tagger);
    const first = alert();
    enricher.enrich(first);
    assert.equal(first.process, null, 'not known yet: the lookup is asynchronous');
    await waitFor(() => changed.length === 1);
    assert.equal(first.process, 'python3');
    assert.deepEqual(asked[0], { proto: 'tcp', localAddress: '10.0.0.2', localPort: 80, remoteAddress: null, remotePort: null });
    // A new flow to the listener caches its owner: the next alert has it in its first line.
    tagger.onNewFlow(tcpPacket('203.0.113.6', '10.0.0.2', { srcPort: 40000, dstPort: 80, flags: 2 }, 1), 9);
    await waitFor(() => tagger.processOf(9) !== null);
    const second = alert({ id: 'b', attacker_ip: '203.0.113.6' });
    enricher.enrich(second);
    assert.equal(second.process, 'python3');
  });

  test('an alert raised by a local source names the process of its recent connection to the target', async () => {
    const tagger = new FlowProcessTagger(owners(), home);
    tagger.onNewFlow(tcpPacket('10.0.0.2', '198.51.100.7', { srcPort: 51000, dstPort: 4444, flags: 2 }, 1), 3);
    await waitFor(() => tagger.processOf(3) !== null);
    const a = alert({ attack_type: 'SUSPICIOUS_PORT', attacker_ip: '10.0.0.2', target_ip: '198.51.100.7', target_port: 4444 });
    new AlertEnricher(null, null, () => undefined, tagger).enrich(a);
    assert.equal(a.process, 'curl');
  });

  test('no local socket, no process: a scan of many ports asks nothing', () => {
    const asked: SocketKey[] = [];
    const a = alert({ attack_type: 'PORT_SCAN', target_port: null });
    new AlertEnricher(null, null, () => undefined, new FlowProcessTagger(owners(asked), home)).enrich(a);
    assert.equal(a.process, null);
    assert.deepEqual(asked, []);
  });

  test('an update that moves the alert to another attacker takes that attacker\'s country', () => {
    const geo = { lookup: (address: string) => ({ country: address.startsWith('203.') ? 'US' : 'DE' }), ready: async () => undefined } as unknown as GeoTagger;
    const enricher = new AlertEnricher(geo, null, () => undefined);
    const a = alert({ attack_type: 'DDOS' });
    enricher.enrich(a);
    assert.equal(a.country, 'US');
    a.attacker_ip = '198.51.100.9';
    enricher.refresh(a);
    assert.equal(a.country, 'DE');
  });
});
