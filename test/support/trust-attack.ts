/**
 * What the issue-14 attack tests share: the engine as the attack test ran it (live in the
 * victim namespace, nftables, --auto-block --profile high-security), an HTTP server to visit,
 * MAC addresses for frames forged on the link, and what the firewall holds.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execIn, spawnIn, type NetnsPair } from './netns.js';
import { waitFor } from './wait-for.js';
import { HeadlessProcess } from '../e2e/headless-process.js';

export const FORGE_HANDSHAKE = fileURLToPath(new URL('./forge-handshake.py', import.meta.url));

/** The engine's flags in these tests: auto-blocking with the strictest profile, our own files in `tmp`. */
export function engineArgs(net: NetnsPair, tmp: string, extra: readonly string[] = []): string[] {
  return [
    '--headless', '-i', net.victimIf, '--refresh', '0.5', '--no-fail2ban', '--firewall', 'nftables', '--auto-block', '--profile', 'high-security',
    '--block-duration', '120', '--history', join(tmp, 'history.json'), '--log-dir', join(tmp, 'logs'), '--pcap-dir', join(tmp, 'pcaps'), ...extra,
  ];
}

export async function startEngine(net: NetnsPair, tmp: string, extra: readonly string[] = [], prefix: readonly string[] = []): Promise<HeadlessProcess> {
  const engine = new HeadlessProcess(net.victim, engineArgs(net, tmp, extra), prefix);
  await engine.waitForLine((j) => j.event_type === 'stats', 15_000, 'first stats line');
  return engine;
}

/** A web server on `port` in the victim namespace (a service a visitor completes handshakes with). */
export async function startWebServer(net: NetnsPair, dir: string, port = 80): Promise<ChildProcess> {
  const server = spawnIn(net.victim, ['python3', '-m', 'http.server', String(port), '--bind', '0.0.0.0', '--directory', dir]);
  await waitFor(() => execFileSync('ip', ['netns', 'exec', net.victim, 'ss', '-Htln', 'sport', `= :${port}`], { encoding: 'utf8' }).includes(`:${port}`), { timeoutMs: 15_000, intervalMs: 50, message: `web server listening on :${port}` });
  return server;
}

/** curl from the attacker namespace with a given source address: true when the page came back. */
export async function visit(net: NetnsPair, source: string, target = net.victimV4): Promise<boolean> {
  try {
    await execIn(net.attacker, ['curl', '-s', '-o', '/dev/null', '--max-time', '4', '--interface', source, `http://${target.includes(':') ? `[${target}]` : target}/`], 10_000);
    return true;
  } catch {
    return false;
  }
}

export function macOf(ns: string, dev: string): string {
  const out = execFileSync('ip', ['-n', ns, 'link', 'show', dev], { encoding: 'utf8' });
  const m = /link\/ether ([0-9a-f:]{17})/.exec(out);
  if (!m) throw new Error(`no MAC address for ${dev} in ${ns}: ${out}`);
  return m[1]!;
}

/** Forges SYN, SYN-ACK "from" server, ACK on the victim's link (see forge-handshake.py). */
export async function forgeHandshake(net: NetnsPair, client: string, server: string, port: number): Promise<void> {
  await execIn(net.attacker, ['python3', FORGE_HANDSHAKE, net.attackerIf, macOf(net.attacker, net.attackerIf), macOf(net.victim, net.victimIf), client, server, String(port)], 15_000);
}

/** A blind SYN scan of ports 1-100 forged with `as` as its source (hping3 -a), as the issue's attack did. */
export async function spoofedScan(net: NetnsPair, as: string, target = net.victimV4): Promise<void> {
  await execIn(net.attacker, ['hping3', '-q', '-a', as, '-S', '--scan', '1-100', target], 60_000).catch(() => undefined);
}

/** The nftables ruleset of the victim namespace. */
export function ruleset(net: NetnsPair): string {
  return execFileSync('ip', ['netns', 'exec', net.victim, 'nft', 'list', 'ruleset'], { encoding: 'utf8' });
}

/** Block events that put `address` into the firewall. */
export function blockedEvents(engine: HeadlessProcess, address: string): Record<string, unknown>[] {
  return engine.byType('block').map((l) => l.json!).filter((b) => b.action === 'blocked' && b.address === address);
}
