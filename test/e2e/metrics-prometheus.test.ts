/**
 * Prometheus for real: the engine runs live in a victim namespace with `--metrics` (localhost
 * by default), Debian's `prometheus` scrapes it from the same namespace, and a PromQL query over
 * the HTTP API returns our alert counter for an nmap scan from the attacker namespace.
 * `promtool check metrics` passes on what /metrics serves.
 *
 * Needs root, ip netns, nmap, curl, prometheus, promtool and a built dist/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { execIn, spawnIn, type NetnsPair } from '../support/netns.js';
import { cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { waitForValue } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const skipReason = cliNetnsSkipReason(['ip', 'nmap', 'curl', 'prometheus', 'promtool']);
const METRICS = '127.0.0.1:19464';
const PROMETHEUS = '127.0.0.1:19090';

let net: NetnsPair;
let tmp: string;
let engine: HeadlessProcess;

useNetnsSuite(skipReason, 'snoopy-prom-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  engine = new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.5', '--no-fail2ban', '--firewall', 'none', '--metrics', METRICS.split(':')[1]!, '--log-dir', join(tmp, 'logs'), '--history', join(tmp, 'history.json'), '--pcap-dir', join(tmp, 'pcaps')]);
  await engine.waitForLine((j) => j.event_type === 'stats', 15_000, 'first stats line');
  writeFileSync(join(tmp, 'prometheus.yml'), `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: snoopy\n    static_configs:\n      - targets: ['${METRICS}']\n`);
  spawnIn(net.victim, ['prometheus', `--config.file=${join(tmp, 'prometheus.yml')}`, `--storage.tsdb.path=${join(tmp, 'tsdb')}`, `--web.listen-address=${PROMETHEUS}`], { stdio: 'ignore' });
});

async function curl(url: string): Promise<string> {
  return (await execIn(net.victim, ['curl', '-sf', '--max-time', '3', url], 5000)).stdout;
}

describe('Prometheus scrapes --metrics', { skip: skipReason ?? false }, () => {
  test('a PromQL query returns the alert counter of an nmap scan; promtool check metrics passes', async () => {
    try {
      await execIn(net.attacker, ['nmap', '-n', '-Pn', '-sS', '-e', net.attackerIf, '-p', '1-200', '--max-retries', '0', net.victimV4], 60_000);
      await engine.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'PORT_SCAN', 10_000, 'PORT_SCAN alert');

      const text = await curl(`http://${METRICS}/metrics`);
      assert.match(text, /^snoopy_alerts_total\{type="PORT_SCAN",severity="\w+"\} 1$/m);
      assert.match(text, /^snoopy_packets_total \d+/m);
      assert.doesNotMatch(text, new RegExp(net.attackerV4.replaceAll('.', '\\.')), 'no address is ever a label');
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 });
      assert.equal(check.status, 0, `promtool check metrics: ${check.stdout}${check.stderr}`);
      assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'promtool has nothing to say');

      const query = `http://${PROMETHEUS}/api/v1/query?query=${encodeURIComponent('sum by (type) (snoopy_alerts_total)')}`;
      const result = await waitForValue(
        async () => {
          const body = JSON.parse(await curl(query).catch(() => '{}')) as { status?: string; data?: { result?: { metric: { type?: string }; value: [number, string] }[] } };
          return body.data?.result?.find((r) => r.metric.type === 'PORT_SCAN');
        },
        { timeoutMs: 30_000, intervalMs: 250, message: 'Prometheus to have scraped the alert counter' },
      );
      assert.equal(Number(result.value[1]), 1);
    } finally {
      await engine.interrupt();
    }
  });
});
