import { readFileSync } from 'node:fs';

/** `nameserver` lines of resolv.conf: blocking the resolver would cut name resolution for everything. */
export function readResolvers(path = '/etc/resolv.conf'): string[] {
  try {
    return parseResolvConf(readFileSync(path, 'utf8'));
  } catch {
    return [];
  }
}

export function parseResolvConf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m) out.push(m[1]!);
  }
  return out;
}
