/**
 * Whole runs in process: assembleRun over a fake host, no spawned process, no root. A replay
 * gives the same alerts as the CLI's replay of the same fixture; a capture played as live goes
 * through the response side to the (fake) firewall.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { resolveRunConfig } from '../../src/cli/resolve-config.js';
import { parseCliArgs } from '../../src/cli/args.js';
import { assembleRun } from '../../src/engine/assemble/assemble-run.js';
import type { Alert } from '../../src/model/alert.js';
import type { ResponseEvent } from '../../src/model/response-event.js';
import { fakeHost } from '../support/fake-host.js';
import { FIXTURES, runCli } from '../support/run-cli.js';
import { FakeFirewall } from '../unit/response/fake-firewall.js';

interface ManifestEntry {
  file: string;
  args?: string[];
}
const MANIFEST = JSON.parse(readFileSync(`${FIXTURES}manifest.json`, 'utf8')) as ManifestEntry[];

/** An alert without what differs between any two runs (its random id). */
function comparable(alert: Record<string, unknown>): Record<string, unknown> {
  const { id: _id, event_type: _type, ...rest } = alert;
  return rest;
}

async function inProcess(args: string[], host = fakeHost()): Promise<{ alerts: Alert[]; updates: Alert[]; events: ResponseEvent[]; warnings: string[] }> {
  const config = resolveRunConfig(parseCliArgs(args));
  const alerts: Alert[] = [];
  const updates: Alert[] = [];
  const events: ResponseEvent[] = [];
  const warnings: string[] = [];
  const run = await assembleRun({
    config,
    host,
    canPrompt: false,
    warn: (line) => warnings.push(line),
    sinks: [{ alert: (a, kind) => (kind === 'new' ? alerts : updates).push(structuredClone(a)), response: (e) => events.push(e) }],
  });
  const end = await run.run();
  await run.close();
  assert.equal(end.reason, 'eof', end.error);
  return { alerts, updates, events, warnings };
}

describe('a whole run in process over a fake host', () => {
  test('every fixture replay raises the same alerts, with the same fields, as the CLI replay', async () => {
    let compared = 0;
    for (const entry of MANIFEST) {
      const args = ['--replay', `${FIXTURES}${entry.file}`, '--headless', ...(entry.args ?? [])];
      const cli = runCli(args);
      assert.equal(cli.status, 0, `${entry.file}: ${cli.stderr}`);
      // The last version of each alert: the CLI prints updates as they come.
      const cliFinal = new Map<string, Record<string, unknown>>();
      for (const l of cli.lines) if (l.event_type === 'alert' || l.event_type === 'alert_update') cliFinal.set(l.id as string, l);
      const ours = await inProcess(args);
      const oursFinal = new Map<string, Alert>();
      for (const a of [...ours.alerts, ...ours.updates]) oursFinal.set(a.id, a);
      const key = (a: Record<string, unknown>) => `${a.attack_type} ${a.attacker_ip} ${a.target_ip}`;
      const sortByKey = (list: Record<string, unknown>[]) => list.sort((a, b) => key(a).localeCompare(key(b)));
      assert.deepEqual(
        sortByKey([...oursFinal.values()].map((a) => comparable(a as unknown as Record<string, unknown>))),
        sortByKey([...cliFinal.values()].map(comparable)),
        entry.file,
      );
      assert.equal(ours.alerts.length, cli.lines.filter((l) => l.event_type === 'alert').length, `${entry.file}: new alerts`);
      compared += ours.alerts.length;
    }
    assert.ok(compared >= 30, `compared ${compared} alerts`);
  });

  test('a brute force inside completed handshakes, played as live capture, is blocked in the firewall with high-security', async () => {
    const firewall = new FakeFirewall('nftables', true);
    const host = fakeHost({ liveCaptureFile: `${FIXTURES}hydra-ssh.pcap`, firewall, ownAddresses: ['10.77.0.2'] });
    const run = await inProcess(['--headless', '--profile', 'high-security', '--auto-block', '--history', '/dev/null/none', '--log-dir', '/dev/null/none', '--pcap-dir', '/dev/null/none'], host);
    const brute = [...run.alerts, ...run.updates].filter((a) => a.attack_type === 'SSH_BRUTE_FORCE').at(-1);
    assert.equal(brute?.attacker_ip, '10.77.0.1');
    assert.equal(brute?.action, 'blocked', JSON.stringify(run.events));
    const added = firewall.applies.flatMap((a) => a.add.map((s) => s.cidr));
    assert.deepEqual(added, ['10.77.0.1/32']);
    assert.ok(run.events.some((e) => e.event_type === 'block' && e.address === '10.77.0.1' && e.action === 'blocked'));
    assert.deepEqual(host.log.fail2banBans, ['10.77.0.1'], 'bans are handed to fail2ban too');
  });

  test('a connect scan that found two open services (22, 80) is not proof enough for a scan: logged, not blocked', async () => {
    const firewall = new FakeFirewall('nftables', true);
    const host = fakeHost({ liveCaptureFile: `${FIXTURES}nmap-connect.pcap`, firewall, ownAddresses: ['10.77.0.2'] });
    const run = await inProcess(['--headless', '--profile', 'high-security', '--auto-block', '--history', '/dev/null/none', '--log-dir', '/dev/null/none', '--pcap-dir', '/dev/null/none'], host);
    const scan = [...run.alerts, ...run.updates].filter((a) => a.attack_type === 'PORT_SCAN').at(-1);
    assert.equal(scan?.attacker_ip, '10.77.0.1');
    assert.equal(scan?.action, 'logged');
    assert.match(String(scan?.attack_details.response_note), /not auto-blocked yet/);
    assert.deepEqual(firewall.applies.flatMap((a) => a.add), []);
  });

  test('the host\'s own address is never blocked, even when it scans', async () => {
    const firewall = new FakeFirewall('nftables', true);
    const host = fakeHost({ liveCaptureFile: `${FIXTURES}nmap-connect.pcap`, firewall, ownAddresses: ['10.77.0.2', '10.77.0.1'] });
    const run = await inProcess(['--headless', '--profile', 'high-security', '--auto-block', '--home-net', '10.77.0.2/32', '--history', '/dev/null/none', '--log-dir', '/dev/null/none', '--pcap-dir', '/dev/null/none'], host);
    const scan = [...run.alerts, ...run.updates].filter((a) => a.attack_type === 'PORT_SCAN').at(-1);
    assert.equal(scan?.action, 'suppressed');
    assert.deepEqual(firewall.applies.flatMap((a) => a.add), []);
  });
});
