#!/usr/bin/env python3
"""Checks an EVE file the way Filebeat's Suricata module reads it (x-pack/filebeat/module/suricata/eve):
config/eve.yml decodes each line as JSON into suricata.eve, converts src_port/dest_port to long and
src_ip/dest_ip to ip, parses `timestamp` with the Go layout 2006-01-02T15:04:05.999999999Z0700 and
lowercases event_type; ingest/pipeline.yml lowercases proto into network.transport, maps
alert.action blocked -> denied (allowed stays) into event.type, and alert.severity into
event.severity, signature_id into rule.id. Prints a JSON summary; exits 1 with the first problem."""
import ipaddress, json, re, sys

# Go's layout: fractional seconds optional (up to 9 digits), then Z or a numeric offset without colon.
TS = re.compile(r'^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d{4})$')
TRANSPORTS = {'tcp', 'udp', 'icmp', 'ipv6-icmp', 'sctp', 'ip'}


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check(path):
    sids, counts = {}, {'alert': 0, 'stats': 0}
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            where = f'{path}:{n}'
            e = json.loads(line)
            assert isinstance(e, dict), f'{where}: not an object'
            assert isinstance(e.get('timestamp'), str) and TS.match(e['timestamp']), f'{where}: timestamp {e.get("timestamp")!r}'
            et = e.get('event_type')
            assert isinstance(et, str) and et == et.lower() and et in counts, f'{where}: event_type {et!r}'
            counts[et] += 1
            if et == 'stats':
                s = e.get('stats')
                assert isinstance(s, dict) and is_int(s.get('uptime')), f'{where}: stats'
                assert is_int(s['capture']['kernel_packets']) and is_int(s['decoder']['pkts']) and is_int(s['detect']['alert']), f'{where}: stats counters'
                continue
            for k in ('src_ip', 'dest_ip'):
                assert isinstance(e.get(k), str), f'{where}: {k}'
                ipaddress.ip_address(e[k])
            for k in ('src_port', 'dest_port'):
                assert is_int(e.get(k)) and 0 <= e[k] <= 65535, f'{where}: {k} {e.get(k)!r}'
            assert is_int(e.get('flow_id')) and 0 < e['flow_id'] < 2 ** 53, f'{where}: flow_id'
            assert isinstance(e.get('proto'), str) and e['proto'].lower() in TRANSPORTS, f'{where}: proto {e.get("proto")!r}'
            assert isinstance(e.get('in_iface'), str) and e['in_iface'] != '', f'{where}: in_iface'
            assert isinstance(e.get('app_proto'), str) and e['app_proto'] != '', f'{where}: app_proto'
            a = e.get('alert')
            assert isinstance(a, dict), f'{where}: alert'
            assert a.get('action') in ('allowed', 'blocked'), f'{where}: alert.action {a.get("action")!r}'
            for k in ('gid', 'signature_id', 'rev'):
                assert is_int(a.get(k)) and a[k] > 0, f'{where}: alert.{k}'
            for k in ('signature', 'category'):
                assert isinstance(a.get(k), str) and a[k] != '', f'{where}: alert.{k}'
            assert is_int(a.get('severity')) and 1 <= a['severity'] <= 3, f'{where}: alert.severity'
            ours = e.get('snoopy')
            assert isinstance(ours, dict) and isinstance(ours.get('attack_type'), str), f'{where}: snoopy object'
            sid = sids.setdefault(ours['attack_type'], a['signature_id'])
            assert sid == a['signature_id'], f'{where}: signature_id of {ours["attack_type"]} changed'
    assert len(set(sids.values())) == len(sids), 'two attack types share a signature_id'
    return {'alerts': counts['alert'], 'stats': counts['stats'], 'signature_ids': sids}


if __name__ == '__main__':
    try:
        print(json.dumps(check(sys.argv[1])))
    except (AssertionError, ValueError, KeyError, TypeError) as err:
        print(f'EVE check failed: {err}', file=sys.stderr)
        sys.exit(1)
