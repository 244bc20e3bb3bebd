/**
 * The frame of an end-to-end file that drives the built binary in a victim namespace: why it
 * cannot run here, the namespace pair and a temporary directory made in before() and removed in
 * after() (also on Ctrl-C), and the CLI run inside a namespace.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { cleanupOnExit, createNetnsPair, destroyNetnsPair, netnsSkipReason, sweepStaleNamespaces, type NetnsPair } from './netns.js';
import { CLI_PATH } from '../e2e/headless-process.js';

/** Why the file cannot run (root, tools, a built dist/), or null. */
export function cliNetnsSkipReason(tools: readonly string[]): string | null {
  return netnsSkipReason(tools) ?? (existsSync(CLI_PATH) ? null : `${CLI_PATH} is missing: build first with npx tsc -p .`);
}

/** Registers before/after hooks; `setup` gets the pair and the temporary directory once they exist. */
export function useNetnsSuite(skipReason: string | null, tmpPrefix: string, setup: (net: NetnsPair, tmp: string) => Promise<void> | void): void {
  let net: NetnsPair | undefined;
  let tmp: string | undefined;
  let removeExitHandlers: (() => void) | null = null;
  before(async () => {
    if (skipReason !== null) return;
    sweepStaleNamespaces();
    net = await createNetnsPair();
    removeExitHandlers = cleanupOnExit(net);
    tmp = mkdtempSync(join(tmpdir(), tmpPrefix));
    await setup(net, tmp);
  });
  after(() => {
    if (net !== undefined) destroyNetnsPair(net);
    removeExitHandlers?.();
    if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
  });
}

/** One more address on the attacker's veth (still inside our namespaces). */
export function addAttackerAddress(net: NetnsPair, cidr: string): void {
  execFileSync('ip', ['-n', net.attacker, 'addr', 'add', cidr, 'dev', net.attackerIf, ...(cidr.includes(':') ? ['nodad'] : [])], { stdio: 'pipe' });
}

/** `node dist/cli.js ARGS` inside namespace `ns` (e.g. --flush, --unblock); its stdout. */
export function cliIn(ns: string, args: readonly string[]): string {
  return execFileSync('ip', ['netns', 'exec', ns, process.execPath, CLI_PATH, ...args], { encoding: 'utf8' });
}
