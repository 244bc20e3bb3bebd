/**
 * The credentials a CrowdSec Local API hands out: a machine's (watcher) file as
 * `cscli machines add NAME -f FILE` writes it, and a bouncer's API key. Messages never quote a
 * password or a key.
 */

export interface MachineCredentials {
  /** The Local API the file was written for (`url:`), e.g. http://10.0.0.5:8080/. */
  url: string;
  /** The machine's name: the origin of the decisions it pushes. */
  login: string;
  password: string;
}

/** A name CrowdSec accepts for a machine, and we can show as an origin. */
const MACHINE_NAME = /^[A-Za-z0-9._@-]{1,128}$/;
/** API keys and passwords: printable ASCII, no spaces. */
const SECRET = /^[\x21-\x7e]{1,512}$/;

/** Parses the YAML of a credentials file (three `key: value` lines); throws one line naming the problem. */
export function parseMachineCredentials(text: string, source: string): MachineCredentials {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([A-Za-z_]+)\s*:\s*(.*)$/.exec(line);
    if (m === null) throw new Error(`${source}: not a CrowdSec credentials file (expected "key: value" lines)`);
    values.set(m[1]!, unquote(m[2]!));
  }
  const url = values.get('url');
  const login = values.get('login');
  const password = values.get('password');
  if (url === undefined || login === undefined || password === undefined) throw new Error(`${source}: needs url, login and password (as \`cscli machines add NAME -f FILE\` writes them)`);
  if (!isHttpUrl(url)) throw new Error(`${source}: url must be an http:// or https:// URL`);
  if (!MACHINE_NAME.test(login)) throw new Error(`${source}: login must be a machine name (letters, digits, . _ @ -)`);
  if (!SECRET.test(password)) throw new Error(`${source}: password must be printable ASCII without spaces (value not shown)`);
  return { url, login, password };
}

/** A bouncer key as given (`KEY`) or read from a file (`@FILE`); `read` returns the file's text. */
export function parseBouncerKey(spec: string, read: (path: string) => string): string {
  let key = spec;
  if (spec.startsWith('@')) {
    const path = spec.slice(1);
    if (path === '') throw new Error('--crowdsec-bouncer-key @FILE needs a file name');
    try {
      key = read(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new Error(`cannot read bouncer key file ${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : 'unreadable'}`);
    }
  }
  key = key.trim();
  if (!SECRET.test(key)) throw new Error('the bouncer key must be printable ASCII without spaces (value not shown: it is a secret)');
  return key;
}

export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** Scheme, host and port of the API: what may be shown (a URL's path could hold a secret). */
export function describeApi(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && ((t.startsWith('"') && t.endsWith('"')) || (t.startsWith("'") && t.endsWith("'")))) return t.slice(1, -1);
  return t;
}
