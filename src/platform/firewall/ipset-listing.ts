import { canonicalCidr } from '../../net/canonical.js';
import type { FirewallEntry } from './firewall.js';
import { IPSETS } from './ipset-names.js';

/** Entries of our ipsets from `ipset save NAME` (`add snoopy-port4 10.0.0.2,tcp:22 timeout 99`). */
export function parseIpsetSave(text: string): FirewallEntry[] {
  const out: FirewallEntry[] = [];
  for (const line of text.split('\n')) {
    const m = /^add (\S+) (\S+)(?: timeout (\d+))?/.exec(line.trim());
    if (m === null) continue;
    const [, set, member, timeout] = m;
    const family = set === IPSETS.addr4 || set === IPSETS.port4 ? 4 : set === IPSETS.addr6 || set === IPSETS.port6 ? 6 : null;
    if (family === null) continue;
    const withPort = set === IPSETS.port4 || set === IPSETS.port6;
    let net = member!;
    let port: FirewallEntry['port'] = null;
    if (withPort) {
      const pm = /^(.+),(tcp|udp):(\d+)$/.exec(member!);
      if (pm === null) continue;
      net = pm[1]!;
      port = { protocol: pm[2] as 'tcp' | 'udp', number: Number(pm[3]) };
    }
    const cidr = canonicalCidr(net.includes('/') ? net : `${net}/${family === 4 ? 32 : 128}`);
    if (cidr === null) continue;
    // `timeout 0` is ipset's "permanent" (an entry added without a timeout), not "expires now".
    out.push({ cidr, family, port, remainingSeconds: timeout === undefined || Number(timeout) === 0 ? null : Number(timeout) });
  }
  return out;
}
