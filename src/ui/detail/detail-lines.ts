import type { AddressActivity } from '../../engine/protocol.js';
import type { Alert } from '../../model/alert.js';
import type { BlockRecord } from '../../model/block-record.js';
import type { FeedPacket } from '../../model/feed-packet.js';
import type { FlowSummary } from '../../model/flow-summary.js';
import type { HistoryEntry } from '../../model/history-entry.js';
import { countryTag, endpoint, formatBytes, formatSpan, protoName, tcpFlagsText } from '../format.js';
import { displayAction, severityLabel } from '../panes/alert-rows.js';
import type { RowItem } from '../panes/pane-row.js';
import { severityTone, type Tone } from '../theme.js';
import { isoMs, packetClock, type TimeFormat } from '../time-format.js';

/** One line of a detail view: a label and its value (raw: the view sanitizes), or a section title. */
export interface DetailLine {
  label: string;
  value: string;
  tone?: Tone;
  section?: boolean;
}

export interface DetailContext {
  time: TimeFormat;
  /** The latest version of an alert (the row may show an older one). */
  alertById(id: string): Alert | undefined;
  /** The newest alert of an address. */
  alertOf(address: string): Alert | undefined;
  blocked: ReadonlyMap<string, BlockRecord>;
  /** What the engine holds about the row's address (null while it is asked, or when it cannot be). */
  activity: AddressActivity | null;
  /** The address the activity is about. */
  activityAddress: string | null;
  nowMs: number;
}

/** The title of a detail view. */
export function detailTitle(item: RowItem): { text: string; tone: Tone } {
  switch (item.kind) {
    case 'alert':
      return { text: `ALERT ${item.alert.attack_type} ${severityLabel(item.alert.severity)} from ${item.alert.attacker_ip}`, tone: severityTone(item.alert.severity) };
    case 'packet':
      return { text: `PACKET ${protoName(item.packet.proto)} ${endpoint(item.packet.src, item.packet.srcPort, item.packet.proto)} → ${endpoint(item.packet.dst, item.packet.dstPort, item.packet.proto)}`, tone: null };
    case 'flow':
      return { text: `CONNECTION ${protoName(item.flow.proto)} ${endpoint(item.flow.origAddr, item.flow.origPort, item.flow.proto)} → ${endpoint(item.flow.respAddr, item.flow.respPort, item.flow.proto)}`, tone: null };
    case 'block':
      return { text: `BLOCK ${item.block.address}`, tone: 'danger' };
    case 'history':
      return item.entry.kind === 'alert' ? detailTitle({ kind: 'alert', alert: item.entry.alert }) : { text: `${item.entry.kind.toUpperCase()} ${item.entry.address} (history)`, tone: item.entry.kind === 'block' ? 'danger' : 'ok' };
  }
}

export function detailLines(item: RowItem, ctx: DetailContext): DetailLine[] {
  switch (item.kind) {
    case 'alert':
      return alertLines(ctx.alertById(item.alert.id) ?? item.alert, ctx);
    case 'packet':
      return packetLines(item.packet, ctx);
    case 'flow':
      return flowLines(item.flow, ctx);
    case 'block':
      return blockLines(item.block, ctx);
    case 'history':
      return historyLines(item.entry, ctx);
  }
}

/** attack_details keys shown under their own names above; the rest are listed as they are. */
const KNOWN_DETAILS = new Set(['service', 'first_seen', 'interface', 'platform_info', 'scan_type', 'scan_speed', 'ports_count', 'matched', 'sample', 'matched_part', 'matched_text', 'matched_normalized', 'pcap_file', 'response_note']);

function alertLines(a: Alert, ctx: DetailContext): DetailLine[] {
  const d = a.attack_details;
  const t = ctx.time;
  const lines: DetailLine[] = [
    { label: 'time', value: `${t.dateTime(isoMs(a.timestamp))} (first seen ${t.clock(isoMs(d.first_seen))}, over ${formatSpan(a.duration)})` },
    { label: 'severity', value: a.severity, tone: severityTone(a.severity) },
    { label: 'attacker', value: `${a.attacker_ip} ${countryTag(a.country) || '(country unknown)'}` },
    { label: 'reverse DNS', value: a.reverse_dns ?? '—' },
    { label: 'target', value: `${a.target_ip === null ? 'any address' : a.target_port === null ? `${a.target_ip} (many ports)` : endpoint(a.target_ip, a.target_port, 6)} ${a.protocol ?? ''}`.trim() },
    { label: 'service', value: d.service ?? '—' },
    { label: 'process', value: a.process ?? 'unknown (no local socket, or not found)' },
    { label: 'packets', value: String(a.packet_count) },
    { label: 'action', value: actionText(a, ctx), tone: displayAction(a, ctx.blocked) === 'blocked' ? 'danger' : null },
  ];
  if (typeof d.response_note === 'string') lines.push({ label: 'note', value: d.response_note });
  if (d.scan_type !== undefined) lines.push({ label: 'scan', value: `${d.scan_type}${d.ports_count !== undefined ? `, ${d.ports_count} ports` : ''}${d.scan_speed ? `, ${d.scan_speed}` : ''}` });
  if (typeof d.matched === 'string' && d.matched !== '') {
    lines.push({ label: 'rule', value: d.matched, tone: 'danger' });
    if (typeof d.matched_part === 'string') lines.push({ label: 'matched in', value: d.matched_part });
    if (typeof d.matched_text === 'string') lines.push({ label: 'bytes', value: d.matched_text, tone: 'warning' });
    if (typeof d.matched_normalized === 'string' && d.matched_normalized !== '') lines.push({ label: 'decoded match', value: d.matched_normalized });
    if (typeof d.sample === 'string') lines.push({ label: 'request', value: d.sample });
  }
  lines.push({ label: 'pcap', value: typeof d.pcap_file === 'string' ? d.pcap_file : 'none (no --pcap-dir for this run)' });
  lines.push({ label: 'interface', value: d.interface });
  lines.push({ label: 'platform', value: d.platform_info });
  for (const [key, value] of Object.entries(d)) {
    if (KNOWN_DETAILS.has(key) || value === undefined) continue;
    lines.push({ label: key.replace(/_/g, ' '), value: typeof value === 'string' ? value : JSON.stringify(value) });
  }
  lines.push({ label: 'alert id', value: a.id, tone: 'muted' });
  lines.push(...activityLines(a.attacker_ip, ctx));
  return lines;
}

function actionText(a: Alert, ctx: DetailContext): string {
  const block = ctx.blocked.get(a.attacker_ip);
  const shown = displayAction(a, ctx.blocked);
  const base = shown === a.action ? a.action : `${a.action}, then ${shown}`;
  if (block === undefined) return base;
  return `${base} (${block.firewall}, until ${ctx.time.clock(block.expiresAt)}, ${formatSpan((block.expiresAt - ctx.nowMs) / 1000)} left)`;
}

function packetLines(p: FeedPacket, ctx: DetailContext): DetailLine[] {
  const lines: DetailLine[] = [
    { label: 'time', value: `${packetClock(ctx.time, p.tsMicros)}.${String(Math.floor(p.tsMicros % 1e6)).padStart(6, '0')}` },
    { label: 'protocol', value: protoName(p.proto) },
    { label: 'source', value: endpoint(p.src, p.srcPort, p.proto) },
    { label: 'destination', value: endpoint(p.dst, p.dstPort, p.proto) },
  ];
  if (p.proto === 6) lines.push({ label: 'TCP flags', value: tcpFlagsText(p.tcpFlags) });
  if (p.proto === 1 || p.proto === 58) lines.push({ label: 'ICMP type', value: String(p.icmpType) });
  lines.push({ label: 'length', value: `${p.length} bytes on the wire` });
  lines.push({ label: 'process', value: p.process ?? 'unknown' });
  lines.push({ label: 'country', value: countryTag(p.country) || 'unknown' });
  if (p.info !== null) lines.push({ label: 'request', value: p.info });
  lines.push({ label: 'flow id', value: p.flowUid === 0 ? 'not tracked' : String(p.flowUid), tone: 'muted' });
  for (const address of [p.src, p.dst]) {
    const alert = ctx.alertOf(address);
    if (alert !== undefined) lines.push({ label: 'alert', value: `${alert.attack_type} from ${alert.attacker_ip} (${alert.severity}, ${displayAction(alert, ctx.blocked)})`, tone: severityTone(alert.severity) });
  }
  return lines.concat(activityLines(ctx.activityAddress ?? p.src, ctx));
}

function flowLines(f: FlowSummary, ctx: DetailContext): DetailLine[] {
  const lines: DetailLine[] = [
    { label: 'protocol', value: protoName(f.proto) },
    { label: 'origin', value: endpoint(f.origAddr, f.origPort, f.proto) },
    { label: 'responder', value: endpoint(f.respAddr, f.respPort, f.proto) },
    { label: 'state', value: f.state },
    { label: 'sent', value: `${f.origPackets} packets, ${formatBytes(f.origBytes)}` },
    { label: 'received', value: `${f.respPackets} packets, ${formatBytes(f.respBytes)}` },
    { label: 'first seen', value: packetClock(ctx.time, f.firstSeenMicros) },
    { label: 'last seen', value: `${packetClock(ctx.time, f.lastSeenMicros)} (${formatSpan((f.lastSeenMicros - f.firstSeenMicros) / 1e6)} long)` },
    { label: 'process', value: f.process ?? 'unknown' },
    { label: 'country', value: countryTag(f.country) || 'unknown' },
  ];
  if (f.http !== null) {
    lines.push({ label: 'request', value: `${f.http.method} ${f.http.target} ${f.http.version}` });
    if (f.http.host !== null) lines.push({ label: 'Host', value: f.http.host });
    if (f.http.userAgent !== null) lines.push({ label: 'User-Agent', value: f.http.userAgent });
  }
  lines.push({ label: 'flow id', value: String(f.uid), tone: 'muted' });
  return lines.concat(activityLines(ctx.activityAddress ?? f.origAddr, ctx));
}

function blockLines(b: BlockRecord, ctx: DetailContext): DetailLine[] {
  const lines: DetailLine[] = [
    { label: 'address', value: b.address },
    { label: 'firewall holds', value: `${b.network}${b.port ? ` ${b.port.protocol}/${b.port.number} only` : ''}` },
    { label: 'country', value: countryTag(b.country ?? null) || 'unknown' },
    { label: 'reason', value: b.reason },
    { label: 'since', value: ctx.time.dateTime(b.createdAt) },
    { label: 'until', value: `${ctx.time.dateTime(b.expiresAt)} (${formatSpan((b.expiresAt - ctx.nowMs) / 1000)} left)` },
    { label: 'offense', value: `#${b.offense ?? 1}` },
    { label: 'firewall', value: b.firewall },
    { label: 'action', value: b.action, tone: b.action === 'blocked' ? 'danger' : 'warning' },
  ];
  if (b.detail !== undefined) lines.push({ label: 'detail', value: b.detail });
  const alert = b.alertId !== undefined ? ctx.alertById(b.alertId) : ctx.alertOf(b.address);
  if (alert !== undefined) lines.push({ label: 'alert', value: `${alert.attack_type} (${alert.severity}) at ${ctx.time.clock(isoMs(alert.timestamp))}`, tone: severityTone(alert.severity) });
  return lines.concat(activityLines(b.address, ctx));
}

function historyLines(e: HistoryEntry, ctx: DetailContext): DetailLine[] {
  if (e.kind === 'alert') return alertLines(ctx.alertById(e.alert.id) ?? e.alert, ctx);
  const lines: DetailLine[] = [
    { label: 'event', value: e.kind },
    { label: 'time', value: ctx.time.dateTime(isoMs(e.at)) },
    { label: 'address', value: e.address },
  ];
  if (e.network !== undefined) lines.push({ label: 'network', value: e.network });
  if (e.port) lines.push({ label: 'port', value: `${e.port.protocol}/${e.port.number}` });
  lines.push({ label: 'reason', value: e.reason });
  if (e.kind === 'block') {
    lines.push({ label: 'duration', value: formatSpan(e.durationSeconds) });
    lines.push({ label: 'action', value: e.action, tone: e.action === 'blocked' ? 'danger' : 'warning' });
    if (e.attackType !== undefined) lines.push({ label: 'attack', value: e.attackType });
  }
  if (e.detail !== undefined) lines.push({ label: 'detail', value: e.detail });
  const block = ctx.blocked.get(e.address);
  lines.push({ label: 'now', value: block === undefined ? 'not blocked' : `blocked until ${ctx.time.clock(block.expiresAt)}`, tone: block === undefined ? 'ok' : 'danger' });
  return lines.concat(activityLines(e.address, ctx));
}

/** The address's recent packets and flows, as the engine still holds them. */
function activityLines(address: string, ctx: DetailContext): DetailLine[] {
  if (ctx.activityAddress !== address) return [];
  const a = ctx.activity;
  if (a === null) return [{ label: '', value: `recent packets of ${address}: asking the engine…`, section: true }];
  const lines: DetailLine[] = [{ label: '', value: `recent packets of ${address} (${a.packets.length})`, section: true }];
  if (a.packets.length === 0) lines.push({ label: '', value: 'none in the engine\'s recent packets', tone: 'muted' });
  for (const p of a.packets.slice(-12)) {
    lines.push({ label: packetClock(ctx.time, p.tsMicros), value: `${protoName(p.proto)} ${endpoint(p.src, p.srcPort, p.proto)} → ${endpoint(p.dst, p.dstPort, p.proto)} ${p.proto === 6 ? tcpFlagsText(p.tcpFlags) : ''} ${p.length}B${p.process ? ` ${p.process}` : ''}${p.info ? ` ${p.info}` : ''}`.replace(/\s+$/, '') });
  }
  lines.push({ label: '', value: `connections of ${address} (${a.flows.length})`, section: true });
  if (a.flows.length === 0) lines.push({ label: '', value: 'none in the flow table', tone: 'muted' });
  for (const f of a.flows.slice(0, 12)) {
    lines.push({ label: f.state, value: `${protoName(f.proto)} ${endpoint(f.origAddr, f.origPort, f.proto)} → ${endpoint(f.respAddr, f.respPort, f.proto)} ${f.origPackets + f.respPackets} pkts ${formatBytes(f.origBytes + f.respBytes)}${f.process ? ` ${f.process}` : ''}` });
  }
  return lines;
}
