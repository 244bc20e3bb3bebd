import { basename, extname } from 'node:path';

/** `YYYY-MM-DDTHHMMSS` in UTC: sortable, and free of ':' (not allowed in Windows file names). */
export function compactStamp(d: Date): string {
  const iso = d.toISOString(); // 2026-11-21T22:15:03.123Z
  return `${iso.slice(0, 10)}T${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`;
}

/** The stem archives of `historyPath` share: `history` for `history.json`. */
export function archiveStem(historyPath: string): string {
  const name = basename(historyPath);
  return extname(name) === '.json' ? name.slice(0, -5) : name;
}

/** `<stem>.<YYYY-MM-DD>T<HHMMSS>.json`, or `…-<n>.json` for the n-th archive within one second. */
export function archiveName(historyPath: string, at: Date, seq: number): string {
  return `${archiveStem(historyPath)}.${compactStamp(at)}${seq > 0 ? `-${seq}` : ''}.json`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ArchiveName {
  name: string;
  stamp: string;
  seq: number;
}

/** The archives of `historyPath` among `names`, oldest first. */
export function sortArchiveNames(historyPath: string, names: readonly string[]): ArchiveName[] {
  const re = new RegExp(`^${escapeRegExp(archiveStem(historyPath))}\\.(\\d{4}-\\d{2}-\\d{2}T\\d{6})(?:-(\\d{1,6}))?\\.json$`);
  const out: ArchiveName[] = [];
  for (const name of names) {
    const m = re.exec(name);
    if (m) out.push({ name, stamp: m[1]!, seq: m[2] === undefined ? 0 : Number(m[2]) });
  }
  return out.sort((a, b) => (a.stamp < b.stamp ? -1 : a.stamp > b.stamp ? 1 : a.seq - b.seq));
}
