import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseCliArgs } from '../../../src/cli/args.js';
import { resolveRunConfig } from '../../../src/cli/resolve-config.js';
import { ConfigError } from '../../../src/config/config-error.js';
import { parseListenAddress, parseSyslogRemote } from '../../../src/config/fleet-options.js';

const dir = mkdtempSync(join(tmpdir(), 'snoopy-fleet-cfg-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const machine = join(dir, 'machine.yaml');
writeFileSync(machine, 'url: http://10.0.0.5:8080\nlogin: web-1\npassword: Secret123\n');
const resolve = (args: string[]) => resolveRunConfig(parseCliArgs(['--replay', 'x.pcap', ...args]));

describe('fleet and output settings', () => {
  test('flags: either role alone, the URL from the machine file, the key from a file', () => {
    const push = resolve(['--crowdsec-machine', machine]).crowdsec!;
    assert.deepEqual([push.url, push.machine?.login, push.bouncerKey, push.pullSeconds], ['http://10.0.0.5:8080', 'web-1', null, 2]);
    writeFileSync(join(dir, 'key'), 'k3y-from-file\n');
    const pull = resolve(['--crowdsec', 'http://lapi:8080', '--crowdsec-bouncer-key', `@${join(dir, 'key')}`]).crowdsec!;
    assert.deepEqual([pull.url, pull.machine, pull.bouncerKey], ['http://lapi:8080', null, 'k3y-from-file']);
    assert.equal(resolve([]).crowdsec, null);
  });
  test('config keys, overridden by flags', () => {
    const file = join(dir, 'c.json');
    writeFileSync(file, JSON.stringify({ crowdsec: 'http://a:1', crowdsecBouncerKey: 'abc', crowdsecPullInterval: 5, metrics: '9100', eve: '/tmp/eve.json', syslogRemote: 'tcp://collector' }));
    const c = resolve(['-c', file, '--metrics', '[::1]:9200']);
    assert.deepEqual([c.crowdsec?.url, c.crowdsec?.pullSeconds, c.metrics, c.eveFile, c.syslogRemote], ['http://a:1', 5, { host: '::1', port: 9200 }, '/tmp/eve.json', { transport: 'tcp', host: 'collector', port: 514 }]);
  });
  test('bad values are one line, never showing a secret', () => {
    assert.throws(() => resolve(['--crowdsec-bouncer-key', 'k']), /needs --crowdsec URL/);
    assert.throws(() => resolve(['--crowdsec', 'http://a']), /needs a role/);
    assert.throws(() => resolve(['--crowdsec', 'http://u:pw@a', '--crowdsec-bouncer-key', 'k']), (e: Error) => e instanceof ConfigError && !e.message.includes('pw'));
    assert.throws(() => resolve(['--crowdsec-machine', join(dir, 'nope')]), /no such file/);
    assert.throws(() => resolve(['--crowdsec', 'http://a', '--crowdsec-bouncer-key', 'bad key']), (e: Error) => !e.message.includes('bad key'));
  });
  test('addresses', () => {
    assert.deepEqual(parseListenAddress('9100', '--metrics'), { host: '127.0.0.1', port: 9100 });
    assert.deepEqual(parseListenAddress(':9100', '--metrics'), { host: '127.0.0.1', port: 9100 });
    assert.deepEqual(parseListenAddress('0.0.0.0:9100', '--metrics'), { host: '0.0.0.0', port: 9100 });
    for (const bad of ['', 'x:0', '1.2.3.4:70000', 'a b:1']) assert.throws(() => parseListenAddress(bad, '--metrics'), ConfigError, bad);
    assert.deepEqual(parseSyslogRemote('udp://[fd00::1]:6514', 'f'), { transport: 'udp', host: 'fd00::1', port: 6514 });
    for (const bad of ['syslog://x:1', 'tcp://', 'tcp://x:99999', 'x']) assert.throws(() => parseSyslogRemote(bad, 'f'), ConfigError, bad);
  });
});
