import assert from 'node:assert/strict';
import { describe, test, type TestContext } from 'node:test';
import { NftablesFirewall } from '../../../src/platform/firewall/nftables-firewall.js';
import { BLOCK_STAGES, type BlockTiming } from '../../../src/response/block-timing.js';
import { fakeRunner } from '../firewall/fake-runner.js';
import { harness, type Harness, type HarnessOptions } from './block-manager-harness.js';

const ATTACKER = '203.0.113.7';

/** A block manager over the nftables backend whose fake `nft` reports starting and exiting, as the real runner does. */
async function started(t: TestContext, o: HarnessOptions = {}): Promise<{ h: Harness; runner: ReturnType<typeof fakeRunner> }> {
  const runner = fakeRunner((_argv, options) => {
    options.observer?.spawned();
    options.observer?.exited();
    return undefined;
  });
  const h = harness({ ...o, backend: new NftablesFirewall(runner.run) });
  t.after(() => h.manager.stop(false));
  await h.manager.start(null);
  return { h, runner };
}

function nextTiming(): { onTiming(t: BlockTiming): void; timings: BlockTiming[]; next: Promise<BlockTiming> } {
  const timings: BlockTiming[] = [];
  let resolve: (t: BlockTiming) => void = () => undefined;
  const next = new Promise<BlockTiming>((r) => (resolve = r));
  return {
    timings,
    next,
    onTiming: (t) => {
      timings.push(t);
      resolve(t);
    },
  };
}

describe('block latency tracing', () => {
  test('an automatic block reports every stage, in pipeline order, once its block line is out', async (t) => {
    const tracing = nextTiming();
    const { h } = await started(t, { onTiming: tracing.onTiming });
    h.proven.add(ATTACKER);
    const alert = h.alert(ATTACKER);
    h.manager.onAlert(alert);
    const timing = await tracing.next;
    assert.equal(timing.address, ATTACKER);
    assert.equal(timing.alert_id, alert.id);
    assert.equal(timing.action, 'blocked');
    assert.deepEqual(Object.keys(timing.stages).sort(), [...BLOCK_STAGES].sort(), 'every stage stamped');
    const times = BLOCK_STAGES.map((s) => timing.stages[s]!);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! >= times[i - 1]!, `${BLOCK_STAGES[i]} not before ${BLOCK_STAGES[i - 1]}`);
    assert.equal(h.blockEvents().length, 1, 'the block line was written before the timing was reported');
  });

  test('a block that waited for proof: raised when the alert came, decided when the proof did', async (t) => {
    const tracing = nextTiming();
    const { h } = await started(t, { onTiming: tracing.onTiming });
    const alert = h.alert(ATTACKER, 'SSH_BRUTE_FORCE');
    const pending = h.flows.add(ATTACKER, '10.0.2.15', false);
    h.manager.onAlert(alert, h.flows, pending);
    assert.notEqual(alert.action, 'blocked', 'unproven: waits');
    // Let measurable time pass between the alert and its proof.
    const raisedBefore = performance.timeOrigin + performance.now();
    while (performance.timeOrigin + performance.now() < raisedBefore + 2);
    h.flows.prove(pending);
    h.manager.onFlowProven(h.flows, pending);
    const timing = await tracing.next;
    assert.equal(timing.alert_id, alert.id);
    assert.ok(timing.stages.alert_raised! <= raisedBefore, 'raised at the alert');
    assert.ok(timing.stages.decided! >= raisedBefore + 2, 'decided at the proof');
  });

  test('tracing off: no timing, no observer on the firewall command, the same block line', async (t) => {
    const tracing = nextTiming();
    const traced = await started(t, { onTiming: tracing.onTiming });
    const plain = await started(t);
    for (const { h } of [traced, plain]) {
      h.proven.add(ATTACKER);
      h.manager.onAlert(h.alert(ATTACKER));
    }
    await tracing.next;
    await plain.h.manager.stop(false);
    const applies = plain.runner.calls.filter((c) => c.input?.includes(' element inet snoopy ') === true);
    assert.equal(applies.length, 1);
    assert.equal(applies[0]!.options.observer, undefined);
    assert.deepEqual(Object.keys(plain.h.blockEvents()[0]!).sort(), Object.keys(traced.h.blockEvents()[0]!).sort(), 'the block line keeps its fields');
  });
});
