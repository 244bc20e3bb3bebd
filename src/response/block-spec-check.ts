import { canonicalCidr } from '../net/canonical.js';
import type { BlockSpec } from '../platform/firewall/firewall.js';

/**
 * Why a firewall change may not be made, or null. Every backend pastes these fields into a
 * script (`nft -f -`, `ipset restore`): whatever a history file or a caller says, only a
 * canonical network of the stated family, a port 1-65535 with protocol tcp or udp, and a
 * finite timeout ever reach one.
 */
export function blockSpecProblem(spec: BlockSpec): string | null {
  if (typeof spec.cidr !== 'string' || canonicalCidr(spec.cidr) !== spec.cidr) return `not a canonical network: ${JSON.stringify(spec.cidr)}`;
  if (spec.family !== (spec.cidr.includes(':') ? 6 : 4)) return `family ${JSON.stringify(spec.family)} does not match ${spec.cidr}`;
  const port = spec.port as unknown;
  if (port !== null) {
    if (typeof port !== 'object' || Object.keys(port as object).length !== 2) return `not a port: ${JSON.stringify(port)}`;
    const { protocol, number } = port as { protocol: unknown; number: unknown };
    if (protocol !== 'tcp' && protocol !== 'udp') return `not a protocol: ${JSON.stringify(protocol)}`;
    if (!Number.isInteger(number) || (number as number) < 1 || (number as number) > 65535) return `not a port number: ${JSON.stringify(number)}`;
  }
  if (typeof spec.timeoutSeconds !== 'number' || !Number.isFinite(spec.timeoutSeconds) || spec.timeoutSeconds <= 0) return `not a timeout: ${JSON.stringify(spec.timeoutSeconds)}`;
  return null;
}
