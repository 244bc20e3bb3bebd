/**
 * `<YYYYMMDD-HHMMSS>_<ATTACK_TYPE>_<attacker ip, ':' → '-'>_<first 8 chars of alert id>.pcap`.
 * The time is the alert's own timestamp (packet time, UTC), so a replay names its files like
 * the live run it recorded. Every part is reduced to `[A-Za-z0-9._-]`: nothing from an alert
 * can leave the directory or make an awkward name.
 */
export function forensicFileName(timestampIso: string, fallbackMicros: number, attackType: string, attackerIp: string, alertId: string): string {
  let ms = Date.parse(timestampIso);
  if (!Number.isFinite(ms)) ms = Math.floor(fallbackMicros / 1000);
  if (!Number.isFinite(ms)) ms = 0;
  const d = new Date(ms);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const stamp = Number.isNaN(d.getTime())
    ? '00000000-000000'
    : `${String(d.getUTCFullYear()).padStart(4, '0')}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}-${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}`;
  const type = safe(attackType) || 'ALERT';
  const ip = safe(attackerIp.replace(/:/g, '-')) || 'unknown';
  const id = safe(alertId.slice(0, 8)) || 'noid';
  return `${stamp}_${type}_${ip}_${id}.pcap`;
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 64);
}

/** `name.pcap` → `name-<n>.pcap` for the n-th clash. */
export function numberedFileName(name: string, n: number): string {
  return n === 0 ? name : name.replace(/\.pcap$/, `-${n}.pcap`);
}
