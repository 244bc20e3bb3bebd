import type { CidrSet } from '../../net/cidr-set.js';
import type { Alert } from '../../model/alert.js';
import type { Packet } from '../decode/packet.js';
import type { FlowTable } from '../flows/flow-table.js';

/** What every detector may use besides the packet: where to report and what "ours" means. */
export interface DetectorContext {
  /** Interface name or replay file, for attack_details.interface. */
  interfaceName: string;
  /** e.g. "Linux 6.1.0", for attack_details.platform_info. */
  platformInfo: string;
  /** Addresses that are ours; null = everything may be a target (replays without --home-net). Live, it is refreshed. */
  homeNet: CidrSet | null;
  raise(alert: Alert, nowMicros: number): void;
  changed(alert: Alert): void;
  /**
   * The latest alert already raised for this attacker and attack type by any detector, so a
   * second source of evidence (packets, auth log) updates one alert instead of raising another.
   * Optional: contexts without an alert book (unit tests) find nothing.
   */
  find?(attackType: Alert['attack_type'], attacker: string): Alert | null;
}

/**
 * A detector is pure logic over decoded packets and their flows, with packet timestamps as its
 * only clock, so a replay raises the same alerts as the live run it recorded.
 */
export interface PacketDetector {
  readonly name: string;
  /**
   * Called for every decoded IP packet after the flow table saw it; `slot` is the flow
   * (-1 for untracked packets), flows.lastFromOrig / lastEvents describe this packet.
   */
  onPacket(pkt: Packet, flows: FlowTable, slot: number): void;
  /** Called regularly from the packet path and timers with the current packet time. */
  onTick(nowMicros: number): void;
}
