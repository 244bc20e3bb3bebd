import type { Alert } from '../../model/alert.js';
import type { BlockTarget } from '../state/view-state.js';
import { alertSummary } from './alert-rows.js';
import { entryAddress } from './history-rows.js';
import type { RowItem } from './pane-row.js';

/** What the block prompt needs to know besides the row. */
export interface TargetContext {
  /** This host's own addresses. */
  local: ReadonlySet<string>;
  alerted: ReadonlySet<string>;
  /** The newest alert of an address. */
  alertOf(address: string): Alert | undefined;
}

/**
 * The remote end of a conversation: the end that is not this host; when both or neither are
 * ours, the end with an alert; else the originator (`first`). `b` on a reply packet offers the
 * sender of the request, never our own address.
 */
export function remoteEnd(first: string, second: string, ctx: TargetContext): string {
  const firstLocal = ctx.local.has(first);
  const secondLocal = ctx.local.has(second);
  if (firstLocal !== secondLocal) return firstLocal ? second : first;
  if (ctx.alerted.has(second) && !ctx.alerted.has(first)) return second;
  return first;
}

/** The address `b` and `u` act on for a row. */
export function rowAddress(item: RowItem, ctx: TargetContext): string {
  switch (item.kind) {
    case 'packet':
      return remoteEnd(item.packet.src, item.packet.dst, ctx);
    case 'flow':
      return remoteEnd(item.flow.origAddr, item.flow.respAddr, ctx);
    case 'alert':
      return item.alert.attacker_ip;
    case 'block':
      return item.block.address;
    case 'history':
      return entryAddress(item.entry);
  }
}

/** Why a block would be asked for: the address's alert, else a manual block. */
export function blockTarget(item: RowItem, ctx: TargetContext): BlockTarget {
  const address = rowAddress(item, ctx);
  const alert = item.kind === 'alert' ? item.alert : item.kind === 'history' && item.entry.kind === 'alert' ? item.entry.alert : ctx.alertOf(address);
  const rowProcess = item.kind === 'packet' ? item.packet.process : item.kind === 'flow' ? item.flow.process : null;
  const rowCountry = item.kind === 'packet' ? item.packet.country : item.kind === 'flow' ? item.flow.country : item.kind === 'block' ? (item.block.country ?? null) : null;
  if (alert !== undefined && alert.attacker_ip === address) {
    const summary = alertSummary(alert);
    return { address, country: alert.country ?? rowCountry, process: alert.process ?? rowProcess, reason: `${alert.attack_type} (${alert.severity})${summary !== '' ? ` ${summary}` : ''}` };
  }
  return { address, country: rowCountry, process: rowProcess, reason: 'manual block from the UI' };
}
