import type { BlockRecord } from './block-record.js';

/** JSON lines of the response side: `block` / `unblock` events share the alert stream. */
export type UnblockReason = 'expired' | 'manual' | 'flush';

export interface BlockEvent {
  event_type: 'block';
  timestamp: string;
  address: string;
  network: string;
  port: BlockRecord['port'];
  duration: number;
  expires_at: string;
  action: BlockRecord['action'];
  reason: string;
  detail: string | null;
  alert_id: string | null;
  attack_type: string | null;
  offense: number;
  firewall: string;
  /** Present only for a decision another part of the fleet made (see BlockRecord.origin). */
  origin?: string;
}

export interface UnblockEvent {
  event_type: 'unblock';
  timestamp: string;
  address: string;
  network: string;
  reason: UnblockReason;
  blocked_for_s: number;
}

/** "Attack … appears to have stopped": no new evidence for the quiet period. */
export interface AttackStoppedEvent {
  event_type: 'attack_stopped';
  timestamp: string;
  attacker_ip: string;
  attack_type: string;
  alert_id: string;
  /** First to last evidence, seconds. */
  duration: number;
  action: string;
}

/** What was done to a service during an attack (opt-in config `stopServices`). */
export interface ServiceEvent {
  event_type: 'service';
  timestamp: string;
  unit: string;
  action: 'stopped' | 'started' | 'stop_failed' | 'start_failed';
  attack_type: string;
  alert_id: string;
  detail: string | null;
}

export type ResponseEvent = BlockEvent | UnblockEvent | AttackStoppedEvent | ServiceEvent;

/** What to do when an attack is detected (the response policy): log it, ask in the UI, or block. */
