/**
 * RFC 5424 to a real collector: Debian's rsyslog runs in the foreground in the victim namespace
 * with imtcp and imudp and a JSON template; two engines capture there, one sending over TCP
 * (octet counting), one over UDP. An HTTP request from the attacker namespace carries an SQL
 * injection and a non-ASCII string of the attacker's choosing: each transport delivers the
 * alert with its structured data intact, that string included.
 *
 * Needs root, ip netns, curl, python3, rsyslogd and a built dist/.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { sanitizeForDisplay } from '../../src/text/display-sanitizer.js';
import { execIn, spawnIn, type NetnsPair } from '../support/netns.js';
import { cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { waitFor } from '../support/wait-for.js';
import { HeadlessProcess } from './headless-process.js';

const skipReason = cliNetnsSkipReason(['ip', 'curl', 'python3', 'rsyslogd']);
const SYSLOG_PORT = 5514;
const WEB_PORT = 8080;
/** What the attacker puts in the request line beside the injection: non-ASCII text, and the characters structured data must escape. */
const MARK = 'Ωmega-ü-日本"]\\x';

let net: NetnsPair;
let tmp: string;
let engines: HeadlessProcess[] = [];

function rsyslogConf(dir: string): string {
  return `global(workDirectory="${dir}" maxMessageSize="16k")
module(load="imtcp")
module(load="imudp")
input(type="imtcp" port="${SYSLOG_PORT}" address="127.0.0.1" ruleset="snoopy")
input(type="imudp" port="${SYSLOG_PORT}" address="127.0.0.1" ruleset="snoopy")
template(name="json" type="list" option.jsonf="on") {
  property(outname="input" name="inputname" format="jsonf")
  property(outname="msgid" name="msgid" format="jsonf")
  property(outname="app" name="app-name" format="jsonf")
  property(outname="sd" name="structured-data" format="jsonf")
  property(outname="msg" name="msg" format="jsonf")
}
ruleset(name="snoopy") { action(type="omfile" file="${dir}/received.json" template="json") }
`;
}

useNetnsSuite(skipReason, 'snoopy-rsyslog-', async (pair, dir) => {
  net = pair;
  tmp = dir;
  writeFileSync(join(tmp, 'rsyslog.conf'), rsyslogConf(tmp));
  const rsyslog = spawnIn(net.victim, ['rsyslogd', '-n', '-f', join(tmp, 'rsyslog.conf'), '-i', join(tmp, 'rsyslog.pid')]);
  let out = '';
  rsyslog.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  await waitFor(async () => (await execIn(net.victim, ['ss', '-Htln', `sport = :${SYSLOG_PORT}`])).stdout.includes(`${SYSLOG_PORT}`), { timeoutMs: 10_000, intervalMs: 50, message: () => `rsyslog listening; its stderr: ${out}` });
  spawnIn(net.victim, ['python3', '-m', 'http.server', '--bind', net.victimV4, String(WEB_PORT)], { stdio: 'ignore', cwd: tmp });
  engines = ['tcp', 'udp'].map((t) => new HeadlessProcess(net.victim, ['--headless', '-i', net.victimIf, '--refresh', '0.5', '--no-fail2ban', '--firewall', 'none', '--syslog-remote', `${t}://127.0.0.1:${SYSLOG_PORT}`, '--log-dir', join(tmp, `logs-${t}`), '--history', join(tmp, `history-${t}.json`), '--pcap-dir', join(tmp, `pcaps-${t}`)]));
  await Promise.all(engines.map((e) => e.waitForLine((j) => j.event_type === 'stats', 15_000, 'first stats line')));
});

/** The parameters of our SD element (`[snoopy@32473 k="v" …]`), unescaped (RFC 5424 §6.3.3). */
function sdParams(sd: string): Record<string, string> {
  assert.ok(sd.startsWith('[snoopy@32473 '), sd);
  const out: Record<string, string> = {};
  const re = /\s([^=\s\]"]+)="((?:\\.|[^"\\])*)"/g;
  for (const m of sd.matchAll(re)) out[m[1]!] = m[2]!.replace(/\\(["\\\]])/g, '$1');
  return out;
}

describe('remote syslog to rsyslog', { skip: skipReason ?? false }, () => {
  test('each alert arrives over TCP and UDP with its structured data intact, non-ASCII attacker text included', async () => {
    try {
      await waitFor(async () => {
        try {
          await execIn(net.attacker, ['curl', '-s', '-g', '--path-as-is', '-o', '/dev/null', '--max-time', '2', `http://${net.victimV4}:${WEB_PORT}/search?q=${MARK}%27%20or%20%271%27=%271`], 5000);
          return true;
        } catch {
          return false;
        }
      }, { timeoutMs: 15_000, intervalMs: 200, message: 'the request reaching the web server' });
      const alerts = await Promise.all(engines.map((e) => e.waitForLine((j) => j.event_type === 'alert' && j.attack_type === 'SQL_INJECTION', 10_000, 'SQL_INJECTION alert')));
      const sample = (alerts[0]!.json!.attack_details as { sample: string }).sample;
      assert.ok(sample.includes(MARK), `the attacker's text is in the alert: ${sample}`);

      const file = join(tmp, 'received.json');
      const received = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, string>) : []);
      const sqli = (input: string) => received().find((r) => r.input === input && r.msgid === 'SQL_INJECTION');
      await waitFor(() => sqli('imtcp') !== undefined && sqli('imudp') !== undefined, { timeoutMs: 10_000, intervalMs: 50, message: () => `both messages at rsyslog; so far ${JSON.stringify(received().map((r) => [r.input, r.msgid]))}` });
      for (const [input, line] of [['imtcp', alerts[0]!], ['imudp', alerts[1]!]] as const) {
        const r = sqli(input)!;
        const alert = line.json!;
        assert.equal(r.app, 'snoopy-tui');
        const p = sdParams(r.sd!);
        assert.equal(p.id, alert.id, input);
        assert.equal(p.attack_type, 'SQL_INJECTION');
        assert.equal(p.src, net.attackerV4);
        assert.equal(p.dst, net.victimV4);
        assert.equal(p.dport, String(WEB_PORT));
        assert.equal(p.severity, alert.severity);
        assert.equal(p.sample, sanitizeForDisplay((alert.attack_details as { sample: string }).sample, { maxWidth: 200 }), `${input}: the sample, byte for byte`);
        assert.ok(p.sample!.includes(sanitizeForDisplay(MARK)), `${input}: the non-ASCII text and the escaped characters survive`);
        assert.match(r.msg!, /SQL_INJECTION from 10\.88\.0\.1 to 10\.88\.0\.2:8080/);
      }
    } finally {
      await Promise.allSettled(engines.map((e) => e.interrupt()));
    }
  });
});
