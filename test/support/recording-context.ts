import type { Alert } from '../../src/model/alert.js';
import type { DetectorContext } from '../../src/engine/detectors/detector.js';
import { CidrSet } from '../../src/net/cidr-set.js';

/** A DetectorContext for unit tests that keeps what detectors raise and change. */
export function recordingContext(homeNet: string | null = null): { ctx: DetectorContext; raised: Alert[]; changed: Alert[] } {
  const raised: Alert[] = [];
  const changed: Alert[] = [];
  const ctx: DetectorContext = {
    interfaceName: 'test0',
    platformInfo: 'Linux test',
    homeNet: homeNet === null ? null : CidrSet.parse(homeNet),
    raise: (a) => raised.push(a),
    changed: (a) => changed.push(a),
  };
  return { ctx, raised, changed };
}
