import { canonicalCidr } from '../net/canonical.js';
import { sanitizeForDisplay } from '../text/display-sanitizer.js';
import { parseGoDuration } from './go-duration.js';
import type { RawDecision } from './lapi-client.js';

/** A ban the fleet decided, checked and canonical. */
export interface FleetDecision {
  id: number;
  /** What to block: the address as /32 or /128, or the range, canonical. */
  network: string;
  /** Seconds left when it was pulled (negative for a deleted or expired one). */
  remainingSeconds: number;
  /** `crowdsec`, `cscli`, `lists`, or the machine name of the host that pushed it (sanitized). */
  origin: string;
  /** e.g. `snoopy/port-scan`, `crowdsecurity/ssh-bf` (sanitized). */
  scenario: string;
}

/**
 * Checks one decision of the stream as strictly as any network input: a positive integer id,
 * scope Ip (an address) or Range (a network), type ban, a Go duration. Other types (captcha,
 * throttle) and scopes (Country, AS …) are not ours to enforce: null.
 */
export function toFleetDecision(d: RawDecision): FleetDecision | null {
  const { id, scope, type, value, duration, origin, scenario } = d;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) return null;
  if (typeof type !== 'string' || type.toLowerCase() !== 'ban') return null;
  if (typeof scope !== 'string' || typeof value !== 'string' || value.length > 64) return null;
  const kind = scope.toLowerCase();
  if (kind === 'ip' && value.includes('/')) return null;
  if (kind !== 'ip' && kind !== 'range') return null;
  if (kind === 'range' && !value.includes('/')) return null;
  const network = canonicalCidr(value);
  if (network === null) return null;
  const remaining = typeof duration === 'string' ? parseGoDuration(duration) : null;
  if (remaining === null) return null;
  return { id, network, remainingSeconds: remaining, origin: text(origin, 64) || 'unknown', scenario: text(scenario, 100) || 'unknown' };
}

function text(v: unknown, width: number): string {
  return typeof v === 'string' ? sanitizeForDisplay(v, { maxWidth: width }) : '';
}
