/**
 * The set-rate flood sender of the live-rate bench. trafgen (netsniff-ng) writes frames through a
 * PACKET_MMAP ring and reaches about twice the rate tcpreplay does on the same veth, so the
 * ladder is limited by the capture, not the sender; tcpreplay (of the recorded spoofed flood) is
 * the fallback when trafgen is missing.
 *
 * trafgen's frames are what `hping3 -S --rand-source` sends: 40-byte IPv4/TCP SYNs to port 80 of
 * the victim, from a random source address and port each, with valid checksums. The destination
 * MAC is not the victim's, so its stack drops them unanswered and both captures see exactly what
 * was sent.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnIn, waitForExit, type NetnsPair } from '../test/support/netns.js';

export interface FloodSender {
  /** What the rows' notes say was sent. */
  readonly description: string;
  /** Sends `pps` packets/s for `seconds`; resolves with the wall seconds it took. */
  send(net: NetnsPair, pps: number, seconds: number): Promise<number>;
}

const hasTool = (name: string): boolean => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;

/** trafgen's packet description of one random-source SYN to victim:80. */
function trafgenConfig(victimV4: string): string {
  const [a, b, c, d] = victimV4.split('.').map(Number);
  return [
    '{',
    '  0x02, 0x00, 0x00, 0x00, 0x00, 0x02,',
    '  0x02, 0x00, 0x00, 0x00, 0x00, 0x01,',
    '  0x08, 0x00,',
    '  0x45, 0x00, const16(40), drnd(2), const16(0), 64, 6, csumip(14, 33),',
    '  drnd(4),',
    `  ${a}, ${b}, ${c}, ${d},`,
    '  drnd(2), const16(80), drnd(4), const32(0), 0x50, 0x02, const16(512), csumtcp(14, 34), const16(0),',
    '}',
    '',
  ].join('\n');
}

function trafgenSender(dir: string): FloodSender {
  return {
    description: 'trafgen -P 1 (random-source SYNs to port 80, as hping3 -S --rand-source)',
    async send(net, pps, seconds) {
      const conf = join(dir, 'syn-flood.cfg');
      writeFileSync(conf, trafgenConfig(net.victimV4));
      const t0 = Date.now();
      // One sending process: a second one would take the core the captures need.
      const child = spawnIn(net.attacker, ['trafgen', '--dev', net.attackerIf, '--conf', conf, '--rate', `${pps}pps`, '--num', String(Math.round(pps * seconds)), '--cpus', '1', '--no-sock-mem'], { stdio: 'ignore' });
      await waitForExit(child, (seconds + 30) * 1000, 'trafgen');
      return (Date.now() - t0) / 1000;
    },
  };
}

function tcpreplaySender(file: string): FloodSender {
  return {
    description: 'tcpreplay --pps of the recorded spoofed flood',
    async send(net, pps, seconds) {
      const t0 = Date.now();
      const child = spawnIn(net.attacker, ['tcpreplay', '-q', `--intf1=${net.attackerIf}`, `--pps=${pps}`, `--limit=${Math.round(pps * seconds)}`, file], { stdio: 'ignore' });
      await waitForExit(child, (seconds + 30) * 1000, 'tcpreplay');
      return (Date.now() - t0) / 1000;
    },
  };
}

/** trafgen when installed, else tcpreplay of `file` when there is one; null when neither can send. */
export function chooseFloodSender(dir: string, file: string | null): FloodSender | null {
  if (hasTool('trafgen')) return trafgenSender(dir);
  if (file !== null && hasTool('tcpreplay')) return tcpreplaySender(file);
  return null;
}
