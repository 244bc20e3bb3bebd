/**
 * Whole runs in process against a real CrowdSec Local API (the Debian package) on loopback:
 * a block is queued while the API is down and arrives once it is up; pulled decisions are
 * enforced with their origin and remaining time, a protected address is recorded `suppressed`,
 * a repeated deletion changes nothing, `u` on a fleet block deletes the decision at the API while
 * `U` lifts everything here only, and a restored fleet block whose decision went meanwhile is lifted.
 * Needs crowdsec and cscli (scripts/install-deps.sh); no root.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCliArgs } from '../../src/cli/args.js';
import { resolveRunConfig } from '../../src/cli/resolve-config.js';
import { assembleRun, type AssembledRun } from '../../src/engine/assemble/assemble-run.js';
import { answerCommand, type CommandContext } from '../../src/engine/engine-commands.js';
import type { BlockRecord } from '../../src/model/block-record.js';
import type { ResponseEvent } from '../../src/model/response-event.js';
import { CrowdsecLapi, crowdsecSkipReason } from '../support/crowdsec-lapi.js';
import { fakeHost } from '../support/fake-host.js';
import { FIXTURES } from '../support/run-cli.js';
import { waitFor, waitForValue } from '../support/wait-for.js';
import { FakeFirewall } from '../unit/response/fake-firewall.js';

const skip = crowdsecSkipReason();
const BOUNCER_KEY = 'snoopy-test-bouncer-key-0123456789';
let tmp: string;
let lapi: CrowdsecLapi;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

interface Recorded {
  run: AssembledRun;
  firewall: FakeFirewall;
  events: ResponseEvent[];
  records: { record: BlockRecord; kind: 'block' | 'unblock' }[];
  warnings: string[];
}

/** A run of the SSH brute-force capture (handshakes completed: proof enough to block) played as live, with --auto-block, wired to the API. */
async function startRun(fleetArgs: string[], history = join(tmp, `h-${Date.now()}.json`)): Promise<Recorded> {
  const firewall = new FakeFirewall('nftables', true);
  const host = { ...fakeHost({ liveCaptureFile: `${FIXTURES}hydra-ssh.pcap`, firewall, ownAddresses: ['10.77.0.2'] }), fetch: globalThis.fetch };
  const config = resolveRunConfig(parseCliArgs(['--headless', '--profile', 'high-security', '--auto-block', '--block-duration', '600', '--history', history, '--log-dir', join(tmp, 'logs'), '--pcap-dir', '/dev/null/none', ...fleetArgs]));
  const events: ResponseEvent[] = [];
  const records: Recorded['records'] = [];
  const warnings: string[] = [];
  const run = await assembleRun({
    config,
    host,
    canPrompt: false,
    warn: (line) => warnings.push(line),
    sinks: [{ response: (e) => events.push(e), record: (record, kind) => records.push({ record: { ...record }, kind }) }],
  });
  return { run, firewall, events, records, warnings };
}


/** The commands of a UI over this run (no publisher, feed or review). */
function commandsOf(run: CommandContext['run']): CommandContext {
  return { run, publisher: null, feed: null, protection: () => null, review: null };
}
describe('a run and a real CrowdSec Local API', { skip: skip ?? false }, () => {
  let port: number;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'snoopy-lapi-'));
    port = await freePort();
    lapi = new CrowdsecLapi(join(tmp, 'lapi'), `127.0.0.1:${port}`, null);
    lapi.addMachine('host-a', join(tmp, 'host-a.yaml'));
    lapi.addBouncer('host-b', BOUNCER_KEY);
    writeFileSync(join(tmp, 'bouncer.key'), `${BOUNCER_KEY}\n`, { mode: 0o600 });
    writeFileSync(join(tmp, 'fleet.json'), JSON.stringify({ crowdsecPullInterval: 1 }));
  });
  after(async () => {
    await lapi?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('push: a block made while the API is down waits in the queue and arrives once it is up', async () => {
    const r = await startRun(['--crowdsec-machine', join(tmp, 'host-a.yaml')]);
    try {
      const end = await r.run.run();
      assert.equal(end.reason, 'eof');
      await waitFor(() => r.records.some((x) => x.kind === 'block' && x.record.address === '10.77.0.1' && x.record.action === 'blocked'), { timeoutMs: 5000, message: 'the block of the attacker' });
      const status = r.run.fleet()!;
      await waitFor(() => status.errors.login + status.errors.push > 0, { timeoutMs: 10_000, message: () => `a failed push while the API is down (${JSON.stringify(status)})` });
      assert.equal(status.pushQueued, 1, 'the alert waits in the queue');
      assert.equal(status.connected, false);
      assert.ok(!JSON.stringify(r.warnings).includes('password'), 'no credential in the warnings');
      await lapi.start();
      const decision = await waitForValue(() => lapi.decisions().find((d) => d.value === "10.77.0.1"), { timeoutMs: 15_000, intervalMs: 200, message: () => `the decision at the API; status ${JSON.stringify(status)}` });
      assert.equal(decision.origin, 'host-a');
      assert.equal(decision.scenario, 'snoopy/ssh-brute-force');
      assert.equal(decision.scope, 'Ip');
      assert.equal(decision.type, 'ban');
      assert.equal(status.pushQueued, 0);
      assert.equal(status.pushed, 1);
    } finally {
      await r.run.close();
    }
    lapi.cscli(['decisions', 'delete', '--all']);
  });

  test('pull: decisions are enforced with origin and remaining time; protected → suppressed; repeated deletions change nothing; u deletes at the API', async () => {
    if (lapi.output() === '') await lapi.start();
    lapi.cscli(['decisions', 'add', '--ip', '198.51.100.7', '--duration', '1h', '--reason', 'test ban']);
    lapi.cscli(['decisions', 'add', '--ip', '10.77.0.2', '--duration', '1h']);
    const r = await startRun(['-c', join(tmp, 'fleet.json'), '--crowdsec', lapi.url, '--crowdsec-bouncer-key', `@${join(tmp, 'bouncer.key')}`, '--crowdsec-machine', join(tmp, 'host-a.yaml')]);
    try {
      await r.run.run();
      const fleetBlock = await waitForValue(() => r.run.blocks.active().find((b) => b.address === '198.51.100.7'), { timeoutMs: 10_000, message: () => `the pulled decision enforced; ${JSON.stringify(r.run.fleet())}` });
      assert.equal(fleetBlock.origin, 'cscli');
      assert.equal(fleetBlock.action, 'blocked');
      const spec = r.firewall.applies.flatMap((a) => a.add).find((s) => s.cidr === '198.51.100.7/32');
      assert.ok(spec !== undefined, 'in the firewall');
      assert.ok(spec.timeoutSeconds > 3500 && spec.timeoutSeconds <= 3600, `remaining time ${spec.timeoutSeconds} s`);
      const event = r.events.find((e) => e.event_type === 'block' && e.address === '198.51.100.7');
      assert.equal(event?.event_type === 'block' ? event.origin : null, 'cscli');

      const own = await waitForValue(() => r.records.find((x) => x.record.address === '10.77.0.2' && x.record.origin === 'cscli'), { timeoutMs: 5000, message: 'a record for the decision on our own address' });
      assert.equal(own.record.action, 'suppressed');
      assert.ok(!r.firewall.applies.some((a) => a.add.some((s) => s.cidr === '10.77.0.2/32')), 'our own address never reaches the firewall');

      // The scanner's own block (this host's) comes back from the stream: held here, not doubled.
      await waitFor(() => lapi.decisions().some((d) => d.value === '10.77.0.1' && d.origin === 'host-a'), { timeoutMs: 10_000, message: () => `our pushed decision at the API; ${JSON.stringify(r.run.fleet())} ${JSON.stringify(r.records.filter((x) => x.record.address === '10.77.0.1'))}` });
      const status = r.run.fleet()!;
      await waitFor(() => status.decisions >= 3, { timeoutMs: 10_000, message: () => `three decisions known (${status.decisions})` });
      assert.equal(r.firewall.applies.flatMap((a) => a.add).filter((s) => s.cidr === '10.77.0.1/32').length, 1);

      // cscli deletes: lifted here once, however often the stream repeats the deletion.
      lapi.cscli(['decisions', 'delete', '--ip', '198.51.100.7']);
      await waitFor(() => !r.run.blocks.active().some((b) => b.address === '198.51.100.7'), { timeoutMs: 10_000, message: 'the deleted decision lifted' });
      const pulledAt = status.lastPullAt!;
      await waitFor(() => status.lastPullAt! > pulledAt + 1500, { timeoutMs: 10_000, message: 'two more pulls (one a second)' });
      assert.equal(r.events.filter((e) => e.event_type === 'unblock' && e.address === '198.51.100.7').length, 1);

      // u on a fleet block: asks the API to delete the decision.
      lapi.cscli(['decisions', 'add', '--ip', '198.51.100.8', '--duration', '30m']);
      await waitFor(() => r.run.blocks.active().some((b) => b.address === '198.51.100.8'), { timeoutMs: 10_000, message: 'the second decision enforced' });
      await answerCommand(commandsOf(r.run), { name: 'unblock', address: '198.51.100.8' });
      await waitFor(() => !lapi.decisions().some((d) => d.value === '198.51.100.8'), { timeoutMs: 10_000, intervalMs: 200, message: 'the decision deleted at the API after u' });
      assert.equal(status.errors.delete, 0);

      // U (unblock all) lifts here only: the decision stays at the API and is not enforced again.
      lapi.cscli(['decisions', 'add', '--ip', '198.51.100.10', '--duration', '30m']);
      await waitFor(() => r.run.blocks.active().some((b) => b.address === '198.51.100.10'), { timeoutMs: 10_000, message: 'the third decision enforced' });
      await answerCommand(commandsOf(r.run), { name: 'unblockAll' });
      assert.ok(!r.run.blocks.active().some((b) => b.address === '198.51.100.10'));
      const liftedAt = status.lastPullAt!;
      await waitFor(() => status.lastPullAt! > liftedAt + 1500, { timeoutMs: 10_000, message: 'two more pulls after U' });
      assert.ok(lapi.decisions().some((d) => d.value === '198.51.100.10'), 'still decided at the API');
      assert.ok(!r.run.blocks.active().some((b) => b.address === '198.51.100.10'), 'not enforced again here');
    } finally {
      await r.run.close();
    }
  });

  test('a fleet block restored from the history is lifted when the first pull no longer lists its decision', async () => {
    if (lapi.output() === '') await lapi.start();
    const history = join(tmp, 'restart-history.json');
    const args = ['-c', join(tmp, 'fleet.json'), '--crowdsec', lapi.url, '--crowdsec-bouncer-key', `@${join(tmp, 'bouncer.key')}`];
    lapi.cscli(['decisions', 'add', '--ip', '198.51.100.9', '--duration', '1h']);
    const first = await startRun(args, history);
    try {
      await first.run.run();
      await waitFor(() => first.run.blocks.active().some((b) => b.address === '198.51.100.9' && b.origin === 'cscli'), { timeoutMs: 10_000, message: 'the decision enforced' });
    } finally {
      await first.run.close();
    }
    // Deleted while this host was not running.
    lapi.cscli(['decisions', 'delete', '--ip', '198.51.100.9']);
    const second = await startRun(args, history);
    try {
      assert.ok(second.run.blocks.active().some((b) => b.address === '198.51.100.9' && b.origin === 'cscli'), 'restored from the history, origin kept');
      await second.run.run();
      await waitFor(() => !second.run.blocks.active().some((b) => b.address === '198.51.100.9'), { timeoutMs: 10_000, message: 'the restored fleet block lifted after the first pull' });
      assert.ok(second.firewall.applies.some((a) => a.remove.some((s) => s.cidr === '198.51.100.9/32')), 'removed from the firewall');
    } finally {
      await second.run.close();
    }
  });
});
