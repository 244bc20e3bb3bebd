/**
 * Least privilege: the engine kept root's full capability set
 * (CapEff 000001fffeffffff). A live headless run as root restarts itself through setpriv: the
 * process that captures, decides and runs nft holds only CAP_NET_RAW, CAP_NET_ADMIN and (for
 * process names) CAP_SYS_PTRACE — effective, permitted and bounding. (The other attack tests
 * run the engine the same way and block in nftables with these capabilities.)
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { capabilityMask, readCapabilities } from '../../src/platform/privileges/engine-capabilities.js';
import { type NetnsPair } from '../support/netns.js';
import { cliNetnsSkipReason, useNetnsSuite } from '../support/netns-suite.js';
import { startEngine } from '../support/trust-attack.js';
import { waitFor } from '../support/wait-for.js';

const skipReason = cliNetnsSkipReason(['ip', 'nft', 'setpriv']);

let net: NetnsPair;
let tmp: string;

useNetnsSuite(skipReason, 'snoopy-caps-', (pair, dir) => {
  net = pair;
  tmp = dir;
});

describe('engine capabilities', { skip: skipReason ?? false }, () => {
  test('/proc/<engine>/status: CapEff, CapPrm and CapBnd list only CAP_NET_RAW, CAP_NET_ADMIN, CAP_SYS_PTRACE', async () => {
    const engine = await startEngine(net, tmp);
    try {
      let pid = 0;
      await waitFor(() => (pid = engine.enginePid()) !== engine.child.pid, { timeoutMs: 5000, intervalMs: 50, message: 'the engine process under the launcher' });
      const caps = readCapabilities(pid)!;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      console.log(`engine ${pid}: ${status.split('\n').filter((l) => l.startsWith('Cap')).join('; ')}`);
      const allowed = capabilityMask(['net_raw', 'net_admin', 'sys_ptrace']);
      assert.equal(caps.effective, allowed, `CapEff ${caps.effective.toString(16)}`);
      assert.equal(caps.permitted, allowed);
      assert.equal(caps.bounding, allowed);
      assert.equal(caps.inheritable, 0n);
      assert.equal(caps.ambient, 0n);
    } finally {
      await engine.interrupt(20_000);
    }
  });
});
