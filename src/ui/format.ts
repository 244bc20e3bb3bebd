/** Small text formatters shared by the panes. All output is plain ASCII except '→' and '…'. */
import { protoName } from '../net/proto-name.js';

export { protoName };

const FLAG_LETTERS: [number, string][] = [
  [0x02, 'S'],
  [0x10, 'A'],
  [0x01, 'F'],
  [0x04, 'R'],
  [0x08, 'P'],
  [0x20, 'U'],
  [0x40, 'E'],
  [0x80, 'C'],
];

/** tcpdump-like flag letters: S A F R P U E C; '.' for none. */
export function tcpFlagsText(flags: number): string {
  let out = '';
  for (const [bit, letter] of FLAG_LETTERS) if (flags & bit) out += letter;
  return out === '' ? '.' : out;
}

export function formatCount(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
  return `${(n / 1e9).toFixed(1)}G`;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${Math.round(n)}B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)}K`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(n < 10 * 1024 ** 2 ? 1 : 0)}M`;
  return `${(n / 1024 ** 3).toFixed(1)}G`;
}

export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : `${m}m${String(sec).padStart(2, '0')}s`;
}

/** "1.2.3.4:80" or "[2001:db8::1]:80"; no port for portless protocols. */
export function endpoint(address: string, port: number, proto: number): string {
  const hasPorts = proto === 6 || proto === 17;
  if (!hasPorts) return address;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

/** `[US]`; the long labels shortened so the tag fits a four-column cell. */
export function countryTag(country: string | null): string {
  if (country === null) return '';
  if (country === 'LAN') return 'LAN';
  if (country === 'RESERVED') return 'RSV';
  return `[${country}]`;
}

/** Seconds as a short duration: 45s, 12m, 1h05m, 2d3h. */
export function formatSpan(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? String(s % 60).padStart(2, '0') + 's' : ''}`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`;
}
