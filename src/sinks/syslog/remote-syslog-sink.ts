import { hostname } from 'node:os';
import type { Alert } from '../../model/alert.js';
import type { ResponseEvent } from '../../model/response-event.js';
import type { RunSink } from '../run-sink.js';
import { formatRfc5424, sdValue, syslogSeverity, type Rfc5424Message } from './rfc5424.js';
import type { RemoteSyslogTransport } from './remote-syslog-transport.js';

/**
 * RFC 5424 to a remote collector: a message per new alert (MSGID its attack type) and per block
 * and unblock (MSGID BLOCK / UNBLOCK), the fields in structured data `[snoopy@32473 …]`.
 */
export function remoteSyslogSink(transport: RemoteSyslogTransport): RunSink {
  const host = hostname();
  const base = { hostname: host, appName: 'snoopy-tui', procId: String(process.pid) };
  const send = (m: Omit<Rfc5424Message, 'hostname' | 'appName' | 'procId'>, optional: string[]) => transport.send(fitted({ ...base, ...m }, optional, transport.maxBytes));
  return {
    alert(alert, kind) {
      if (kind !== 'new') return;
      send({ severity: syslogSeverity(alert.severity), time: Date.now(), msgId: alert.attack_type, params: alertParams(alert), msg: alertText(alert) }, OPTIONAL_ALERT_PARAMS);
    },
    response(event) {
      if (event.event_type === 'block' || event.event_type === 'unblock') send({ severity: event.event_type === 'block' ? 4 : 5, time: Date.now(), msgId: event.event_type.toUpperCase(), params: responseParams(event), msg: `${event.event_type} ${event.address}` }, []);
    },
    close: () => transport.close(),
  };
}

/** Parameters dropped, in this order, when a message would not fit the transport. */
const OPTIONAL_ALERT_PARAMS = ['sample', 'matched', 'process', 'rdns', 'service'];

function alertParams(a: Alert): [string, string | number | null][] {
  const d = a.attack_details;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  return [
    ['id', a.id],
    ['timestamp', a.timestamp],
    ['attack_type', a.attack_type],
    ['severity', a.severity],
    ['action', a.action],
    ['src', a.attacker_ip],
    ['dst', a.target_ip],
    ['dport', a.target_port],
    ['proto', a.protocol],
    ['packets', a.packet_count],
    ['duration', a.duration],
    ['country', sdValue(a.country, 8)],
    ['rdns', sdValue(a.reverse_dns)],
    ['process', sdValue(a.process, 64)],
    ['scan_type', str(d.scan_type)],
    ['service', sdValue(d.service, 32)],
    ['interface', sdValue(d.interface, 32)],
    ['matched', sdValue(str(d.matched), 64)],
    ['sample', sdValue(str(d.sample), 200)],
  ];
}

function responseParams(e: Extract<ResponseEvent, { event_type: 'block' | 'unblock' }>): [string, string | number | null][] {
  if (e.event_type === 'unblock') return [['address', e.address], ['network', e.network], ['reason', e.reason], ['blocked_for_s', e.blocked_for_s]];
  return [
    ['address', e.address],
    ['network', e.network],
    ['action', e.action],
    ['duration', e.duration],
    ['reason', sdValue(e.reason)],
    ['attack_type', e.attack_type],
    ['alert_id', e.alert_id],
    ['firewall', e.firewall],
    ['origin', sdValue(e.origin ?? null, 64)],
  ];
}

/** A one-line summary without attacker text (addresses are ours to print). */
function alertText(a: Alert): string {
  return `${a.attack_type} from ${a.attacker_ip}${a.target_ip !== null ? ` to ${a.target_ip}${a.target_port !== null ? `:${a.target_port}` : ''}` : ''} (${a.severity}, ${a.action})`;
}

/** The message, with optional parameters dropped until it fits `maxBytes` (bytes, not characters). */
function fitted(m: Rfc5424Message, optional: readonly string[], maxBytes: number): string {
  let text = formatRfc5424(m);
  for (const name of optional) {
    if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
    m = { ...m, params: m.params.filter(([k]) => k !== name) };
    text = formatRfc5424(m);
  }
  return text;
}
