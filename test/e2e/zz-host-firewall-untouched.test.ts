/**
 * Runs last (files run in name order): no test may have left anything of ours in the host's
 * own firewall — every firewall test works inside network namespaces it created.
 * A replay or a run that never blocks must not even create our table.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { onPath } from '../support/netns.js';

const skip = typeof process.getuid !== 'function' || process.getuid() !== 0 ? 'needs root to read the firewall' : !onPath('nft') ? 'nft is not installed' : false;

test("the host's firewall holds nothing of snoopy-tui after the whole suite", { skip }, () => {
  assert.doesNotMatch(execFileSync('nft', ['list', 'tables'], { encoding: 'utf8' }), /\bsnoopy\b/);
  if (onPath('iptables-save')) assert.doesNotMatch(execFileSync('iptables-save', { encoding: 'utf8' }), /SNOOPY/);
  if (onPath('ipset')) assert.doesNotMatch(execFileSync('ipset', ['list', '-n'], { encoding: 'utf8' }), /snoopy/);
});
