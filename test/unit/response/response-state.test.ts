import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ATTACK_TYPES, type AttackType } from '../../../src/model/alert.js';
import { historyBlockState } from '../../../src/response/history-blocks.js';
import { ProvenSources } from '../../../src/response/proven-sources.js';
import { FakeFlows } from './fake-flows.js';
import { defaultResponse, ResponsePolicy } from '../../../src/response/response-policy.js';
import { type ResponseAction } from '../../../src/model/response-action.js';
import type { BlockEntry, HistoryEntry, UnblockEntry } from '../../../src/model/history-entry.js';
import { PROFILE_NAMES } from '../../../src/config/profiles.js';

const NOTHING_TO_BLOCK: AttackType[] = ['SUSPICIOUS_COMMAND', 'SUSPICIOUS_PROCESS'];
const NEVER_AUTOMATIC: AttackType[] = ['DDOS', 'REFLECTION', 'DATA_EXFILTRATION'];

describe('ResponsePolicy', () => {
  test('profile defaults: high-security blocks (asks for spoofable / innocent sources), balanced asks, development logs', () => {
    for (const t of ATTACK_TYPES) {
      const expectHigh: ResponseAction = NOTHING_TO_BLOCK.includes(t) ? 'log' : NEVER_AUTOMATIC.includes(t) ? 'prompt' : 'block';
      assert.equal(defaultResponse('high-security', t), expectHigh, `high-security ${t}`);
      assert.equal(defaultResponse('balanced', t), NOTHING_TO_BLOCK.includes(t) ? 'log' : 'prompt', `balanced ${t}`);
      assert.equal(defaultResponse('development', t), 'log', `development ${t}`);
    }
  });

  test('the full matrix of profile × --auto-block / --no-auto-block / default', () => {
    const expected = (profile: string, auto: boolean | null, t: AttackType): ResponseAction => {
      if (NOTHING_TO_BLOCK.includes(t)) return 'log';
      const base = defaultResponse(profile as 'balanced', t);
      if (auto === true && base === 'prompt' && !NEVER_AUTOMATIC.includes(t)) return 'block';
      if (auto === false && base === 'block') return 'prompt';
      return base;
    };
    let blocks = 0;
    for (const profile of PROFILE_NAMES) {
      for (const autoBlock of [true, false, null]) {
        const policy = new ResponsePolicy({ profile, autoBlock, overrides: {} });
        for (const t of ATTACK_TYPES) {
          const got = policy.actionFor(t);
          assert.equal(got, expected(profile, autoBlock, t), `${profile} auto=${autoBlock} ${t}`);
          if (got === 'block') blocks++;
        }
      }
    }
    assert.ok(blocks > 0);
  });

  test('spot checks of the matrix', () => {
    const p = (profile: 'high-security' | 'balanced' | 'development', autoBlock: boolean | null) => new ResponsePolicy({ profile, autoBlock, overrides: {} });
    assert.equal(p('balanced', null).actionFor('PORT_SCAN'), 'prompt');
    assert.equal(p('balanced', true).actionFor('PORT_SCAN'), 'block');
    assert.equal(p('balanced', true).actionFor('DDOS'), 'prompt', '--auto-block never bans a DDoS (spoofed sources)');
    assert.equal(p('balanced', true).actionFor('REFLECTION'), 'prompt');
    assert.equal(p('high-security', null).actionFor('SSH_BRUTE_FORCE'), 'block');
    assert.equal(p('high-security', false).actionFor('SSH_BRUTE_FORCE'), 'prompt');
    assert.equal(p('high-security', null).actionFor('DATA_EXFILTRATION'), 'prompt');
    assert.equal(p('development', true).actionFor('SYN_FLOOD'), 'log', '--auto-block does not turn log into block');
    assert.equal(p('high-security', true).actionFor('SUSPICIOUS_PROCESS'), 'log');
  });

  test('config overrides come first; flags then adjust them; nothing-to-block types stay log', () => {
    const policy = new ResponsePolicy({ profile: 'balanced', autoBlock: null, overrides: { PORT_SCAN: 'log', SSH_BRUTE_FORCE: 'block', DDOS: 'block', SUSPICIOUS_COMMAND: 'block' } });
    assert.equal(policy.actionFor('PORT_SCAN'), 'log');
    assert.equal(policy.actionFor('SSH_BRUTE_FORCE'), 'block');
    assert.equal(policy.actionFor('DDOS'), 'block', 'an explicit override is the user’s choice');
    assert.equal(policy.actionFor('SUSPICIOUS_COMMAND'), 'log');
    const noAuto = new ResponsePolicy({ profile: 'balanced', autoBlock: false, overrides: { SSH_BRUTE_FORCE: 'block' } });
    assert.equal(noAuto.actionFor('SSH_BRUTE_FORCE'), 'prompt', '--no-auto-block wins over a config block');
    const auto = new ResponsePolicy({ profile: 'balanced', autoBlock: true, overrides: { PORT_SCAN: 'log', DDOS: 'prompt' } });
    assert.equal(auto.actionFor('PORT_SCAN'), 'log');
    assert.equal(auto.actionFor('DDOS'), 'prompt');
  });
});

describe('ProvenSources', () => {
  const own = (a: string) => a === '10.0.2.15' || a === '2001:db8::15';

  test('a proven flow counts only when its responder is this host; it proves that flow, for its originator', () => {
    const p = new ProvenSources(own);
    const f = new FakeFlows();
    const ours = f.add('203.0.113.1', '10.0.2.15', true);
    const theirs = f.add('203.0.113.2', '198.51.100.9', true);
    const unproven = f.add('203.0.113.3', '10.0.2.15');
    assert.equal(p.flowProven(f, ours), '203.0.113.1');
    assert.equal(p.flowProven(f, theirs), null);
    assert.equal(p.flowProven(f, unproven), null);
    assert.equal(p.refused['responder not this host'], 1);
    assert.equal(p.provesFlow(f, ours, '203.0.113.1'), true);
    assert.equal(p.provesFlow(f, ours, '203.0.113.9'), false);
    assert.equal(p.provesFlow(f, theirs, '203.0.113.2'), false);
    assert.equal(p.provesFlow(f, -1, '203.0.113.1'), false);
  });

  test('bounded: the oldest proven flows are forgotten first and counted', () => {
    const p = new ProvenSources(own, 3);
    const f = new FakeFlows();
    const slots = [1, 2, 3, 4].map((i) => f.add(`10.0.0.${i}`, '10.0.2.15', true));
    for (const s of slots) p.flowProven(f, s);
    assert.equal(p.size, 3);
    assert.equal(p.forgotten, 1);
    assert.equal(p.provesFlow(f, slots[0]!, '10.0.0.1'), false);
    assert.equal(p.provesFlow(f, slots[3]!, '10.0.0.4'), true);
  });
});

const T0 = Date.parse('2026-03-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();
const block = (address: string, atMs: number, durationSeconds: number, extra: Partial<BlockEntry> = {}): BlockEntry => ({ kind: 'block', at: iso(atMs), address, reason: 'PORT_SCAN detected', durationSeconds, action: 'blocked', ...extra });
const unblock = (address: string, atMs: number, extra: Partial<UnblockEntry> = {}): UnblockEntry => ({ kind: 'unblock', at: iso(atMs), address, reason: 'manual', ...extra });

describe('historyBlockState', () => {
  test('a block still in force is active with its expiry; one that ran out is ended', () => {
    const s = historyBlockState([block('203.0.113.1', T0, 600, { alertId: 'a1', attackType: 'PORT_SCAN' }), block('203.0.113.2', T0, 60)], T0 + 120_000);
    assert.deepEqual([...s.active.keys()], ['203.0.113.1/32']);
    assert.deepEqual(s.active.get('203.0.113.1/32'), { address: '203.0.113.1', network: '203.0.113.1/32', port: null, reason: 'PORT_SCAN detected', createdAt: T0, expiresAt: T0 + 600_000, alertId: 'a1', attackType: 'PORT_SCAN' });
    assert.deepEqual([...s.ended], ['203.0.113.2/32']);
  });

  test('an unblock ends the block; a later block re-activates it; offenses count every real block', () => {
    const s = historyBlockState([block('203.0.113.1', T0, 600), unblock('203.0.113.1', T0 + 1000), block('203.0.113.1', T0 + 2000, 1200), block('203.0.113.9', T0, 600), unblock('203.0.113.9', T0 + 5000)], T0 + 10_000);
    assert.deepEqual([...s.active.keys()], ['203.0.113.1/32']);
    assert.equal(s.active.get('203.0.113.1/32')!.expiresAt, T0 + 2000 + 1_200_000);
    assert.deepEqual([...s.ended], ['203.0.113.9/32']);
    assert.deepEqual([...s.offenses], [
      ['203.0.113.1', 2],
      ['203.0.113.9', 1],
    ]);
  });

  test('dry runs, suppressed and failed blocks neither activate nor count; alerts are ignored', () => {
    const entries: HistoryEntry[] = [block('203.0.113.1', T0, 600, { action: 'dry_run' }), block('203.0.113.2', T0, 600, { action: 'suppressed' }), block('203.0.113.3', T0, 600, { action: 'block_failed' })];
    const s = historyBlockState(entries, T0 + 1);
    assert.equal(s.active.size, 0);
    assert.equal(s.offenses.size, 0);
  });

  test('networks and ports make the key (an IPv6 /64 block is ended by its unblock), canonicalised', () => {
    const s = historyBlockState(
      [
        block('2001:db8:1:2::abc', T0, 600, { network: '2001:DB8:1:2::/64' }),
        block('203.0.113.5', T0, 600, { port: { protocol: 'tcp', number: 22 } }),
        block('203.0.113.6', T0, 600, { port: { protocol: 'tcp', number: 22 } }),
        unblock('203.0.113.6', T0 + 1, { port: { protocol: 'tcp', number: 22 } }),
        block('2001:db8:9::1', T0, 600, { network: '2001:db8:9::/64' }),
        unblock('2001:db8:9::1', T0 + 1, { network: '2001:db8:9::/64' }),
      ],
      T0 + 2,
    );
    assert.deepEqual([...s.active.keys()].sort(), ['2001:db8:1:2::/64', '203.0.113.5/32 tcp/22']);
    assert.deepEqual([...s.ended].sort(), ['2001:db8:9::/64', '203.0.113.6/32 tcp/22']);
    assert.deepEqual(s.active.get('203.0.113.5/32 tcp/22')!.port, { protocol: 'tcp', number: 22 });
  });

  test('entries whose address is not an address are skipped', () => {
    const s = historyBlockState([block('not-an-ip', T0, 600), block('203.0.113.1', T0, 600, { network: 'garbage' })], T0);
    assert.deepEqual([...s.active.keys()], ['203.0.113.1/32']);
  });
});
