/** What a secret is replaced with in every message we print. */
export const REDACTED = '<redacted>';

/**
 * The strings of a URL that may carry a secret (Slack and generic webhooks put the token in the
 * path, some in the query or user info): the whole URL, its path + query, each long path segment,
 * the query, the credentials. A URL that does not parse is a secret as a whole.
 */
export function urlSecrets(url: string): string[] {
  const out = [url];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return out;
  }
  const pathAndQuery = `${parsed.pathname}${parsed.search}`;
  if (pathAndQuery !== '/') out.push(pathAndQuery);
  for (const segment of parsed.pathname.split('/')) if (segment.length >= 8) out.push(segment, decodeURIComponentSafe(segment));
  if (parsed.search.length > 1) out.push(parsed.search.slice(1));
  if (parsed.username) out.push(parsed.username);
  if (parsed.password) out.push(parsed.password);
  return out;
}

/** Where a URL points without anything that could be secret: scheme, host and port. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}/…`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * Replaces every occurrence of each secret (and its URL-encoded form) in `text`. Longest first,
 * so a URL is replaced whole before its token part is looked for.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const all = new Set<string>();
  for (const s of secrets) {
    if (s.length < 4) continue;
    all.add(s);
    all.add(encodeURIComponent(s));
  }
  let out = text;
  for (const s of [...all].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
  return out;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
