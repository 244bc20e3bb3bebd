import { isoFromMicros, type Alert, type AttackType, type Severity } from '../../model/alert.js';
import { AlertBook } from '../alerts/alert-book.js';
import type { DetectorContext } from './detector.js';

/** What a detector knows when it raises an alert; everything else starts empty. */
export interface AlertStart {
  attackType: AttackType;
  severity: Severity;
  attacker: string;
  /** Packet time of the detection. */
  nowMicros: number;
  /** First evidence packet; defaults to nowMicros. */
  firstSeenMicros?: number;
  target?: string | null;
  targetPort?: number | null;
  protocol?: Alert['protocol'];
  service?: string | null;
  /** Detector-specific attack_details fields. */
  details?: Record<string, unknown>;
}

/**
 * A new alert record in the shape of the JSON alert contract, with the fields every detector
 * fills the same way: id, times, interface, platform, enrichment placeholders, action.
 */
export function newAlert(ctx: Pick<DetectorContext, 'interfaceName' | 'platformInfo'>, s: AlertStart): Alert {
  return {
    event_type: 'alert',
    id: AlertBook.newId(),
    timestamp: isoFromMicros(s.nowMicros),
    attack_type: s.attackType,
    severity: s.severity,
    attacker_ip: s.attacker,
    target_ip: s.target ?? null,
    target_port: s.targetPort ?? null,
    protocol: s.protocol ?? null,
    packet_count: 0,
    duration: 0,
    reverse_dns: null,
    country: null,
    process: null,
    action: 'logged',
    attack_details: {
      service: s.service ?? null,
      first_seen: isoFromMicros(s.firstSeenMicros ?? s.nowMicros),
      interface: ctx.interfaceName,
      platform_info: ctx.platformInfo,
      ...s.details,
    },
  };
}
