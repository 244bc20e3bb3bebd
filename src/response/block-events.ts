import type { BlockRecord } from '../model/block-record.js';
import type { BlockEvent, UnblockEvent, UnblockReason } from '../model/response-event.js';


export function blockEvent(r: BlockRecord): BlockEvent {
  return {
    event_type: 'block',
    timestamp: new Date(r.createdAt).toISOString(),
    address: r.address,
    network: r.network,
    port: r.port,
    duration: Math.round((r.expiresAt - r.createdAt) / 1000),
    expires_at: new Date(r.expiresAt).toISOString(),
    action: r.action,
    reason: r.reason,
    detail: r.detail ?? null,
    alert_id: r.alertId ?? null,
    attack_type: r.attackType ?? null,
    offense: r.offense,
    firewall: r.firewall,
    ...(r.origin !== undefined ? { origin: r.origin } : {}),
  };
}

export function unblockEvent(r: BlockRecord, reason: UnblockReason, nowMs: number): UnblockEvent {
  return {
    event_type: 'unblock',
    timestamp: new Date(nowMs).toISOString(),
    address: r.address,
    network: r.network,
    reason,
    blocked_for_s: Math.round((nowMs - r.createdAt) / 1000),
  };
}
