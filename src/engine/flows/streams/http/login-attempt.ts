import { headerValue, type HttpHeader, type LoginAttempt } from './http-message.js';

/** A path segment naming a login endpoint (an extension allowed): /login, /user/signin, /wp-login.php, /j_security_check … */
const LOGIN_SEGMENT = /^(?:log-?in|log-?on|sign-?in|sign_in|auth|authenticate|session|sessions|token|j_security_check|wp-login|xmlrpc)(?:\.[a-z]{2,5})?$/i;

/** A password-like field in a query string, a form or a JSON object: password=, pwd=, "pass": … */
const PASSWORD_FIELD = /(?:^|[?&;\s"'{,])(?:pass|passwd|password|passphrase|pwd|pw|pin|j_password|secret)\s{0,4}["']?\s{0,4}[=:]/i;

/** Bytes of a body searched for a password field. */
const PASSWORD_SEARCH_CHARS = 4096;

const MAX_PATH_CHARS = 256;

/** What the head of a request says about logging in. */
export function loginAttemptOf(method: string, target: string, headers: readonly HttpHeader[]): LoginAttempt {
  const q = target.indexOf('?');
  const rawPath = q < 0 ? target : target.slice(0, q);
  const path = safeDecode(rawPath).slice(0, MAX_PATH_CHARS);
  const auth = headerValue(headers, 'authorization');
  let scheme: string | null = null;
  if (auth !== null && auth !== '') {
    const sp = auth.indexOf(' ');
    scheme = (sp < 0 ? auth : auth.slice(0, sp)).toLowerCase().slice(0, 32);
  }
  return {
    authorization: scheme,
    loginPath: isLoginPath(path),
    passwordField: q >= 0 && PASSWORD_FIELD.test(safeDecode(target.slice(q))),
    method,
    path,
  };
}

export function isLoginPath(path: string): boolean {
  for (const segment of path.split('/')) if (segment !== '' && LOGIN_SEGMENT.test(segment)) return true;
  return false;
}

/** Does the text of a body carry a password-like field? */
export function hasPasswordField(body: string): boolean {
  return PASSWORD_FIELD.test(body.length > PASSWORD_SEARCH_CHARS ? body.slice(0, PASSWORD_SEARCH_CHARS) : body);
}

function safeDecode(s: string): string {
  if (!s.includes('%')) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
