/** One header line as sent: `name` raw, `lower` its lower-case form, `value` without surrounding whitespace. */
export interface HttpHeader {
  name: string;
  lower: string;
  value: string;
}

/**
 * One HTTP/1.x request of a stream. Strings are raw attacker-controlled text (lenient UTF-8, see
 * decodeLenientUtf8): outputs sanitize them. `body` is a view valid only during the listener call.
 */
export interface HttpRequest {
  /** 0 for the first request of the connection, 1 for the second … */
  index: number;
  method: string;
  target: string;
  version: string;
  requestLine: string;
  headers: HttpHeader[];
  /** The head was longer than the kept maximum, or cut by a gap: headers past the cut are missing. */
  truncated: boolean;
  /** Lower-case media type of the body (no parameters), or null. */
  contentType: string | null;
  /** The Content-Type header's raw value (for the multipart boundary), or null. */
  contentTypeRaw: string | null;
  /** Transfer-coded or content-coded body (gzip …): the kept bytes are not plain text. */
  encodedBody: boolean;
  /** The first kept bytes of the decoded body (chunk framing removed), set for the body event only. */
  body: Buffer | null;
  /** Body bytes seen in all (kept or not). */
  bodyLength: number;
  /** Part of the body was never seen, or the request ended before its body did. */
  bodyIncomplete: boolean;
  /** What the request says about logging in, for pairing with its answer. */
  login: LoginAttempt;
}

/** How a request tries to authenticate (filled from the head, completed from the body). */
export interface LoginAttempt {
  /** Scheme of the Authorization header (lower case: basic, digest, bearer, ntlm …), or null. */
  authorization: string | null;
  /** The path names a login endpoint (/login, /signin, wp-login.php …). */
  loginPath: boolean;
  /** A password-like field in the query or a form/JSON body. */
  passwordField: boolean;
  method: string;
  /** The path (no query), cut to 256 characters. */
  path: string;
}

/** A response and the request it answers (null when that request was not seen). */
export interface HttpExchange {
  request: LoginAttempt | null;
  status: number;
  /** Scheme of the WWW-Authenticate challenge (lower case), or null. */
  challenge: string | null;
}

export function headerValue(headers: readonly HttpHeader[], lower: string): string | null {
  for (const h of headers) if (h.lower === lower) return h.value;
  return null;
}
