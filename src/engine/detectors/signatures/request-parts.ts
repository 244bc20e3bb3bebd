import type { HttpHeader, HttpRequest } from '../../flows/streams/http/http-message.js';
import type { PayloadAttackType } from './patterns.js';

/** Types searched in the request target (path and query). */
export const TARGET_TYPES: readonly PayloadAttackType[] = ['SQL_INJECTION', 'XSS', 'PATH_TRAVERSAL', 'COMMAND_INJECTION', 'LOG4SHELL'];
/** Types searched in a request body (form, JSON, multipart fields, text): what a query can carry, a body can. */
export const BODY_TYPES: readonly PayloadAttackType[] = TARGET_TYPES;
/** Types searched in every header value: bash and log4j act on any header they are handed. */
const ANY_HEADER_TYPES: readonly PayloadAttackType[] = ['SHELLSHOCK', 'LOG4SHELL'];
/**
 * Headers applications log, show back or put into queries (analytics, "last visited", client
 * address columns): SQL injection and XSS arrive there as well as in the query.
 */
const REFLECTED_HEADERS: ReadonlySet<string> = new Set([
  'referer', 'cookie', 'user-agent', 'origin', 'via', 'forwarded',
  'x-forwarded-for', 'x-forwarded-host', 'x-real-ip', 'x-client-ip', 'client-ip', 'true-client-ip',
  'x-originating-ip', 'x-remote-ip', 'x-remote-addr', 'cf-connecting-ip', 'x-cluster-client-ip',
]);
const REFLECTED_TYPES: readonly PayloadAttackType[] = ['SQL_INJECTION', 'XSS', 'SHELLSHOCK', 'LOG4SHELL'];
const USER_AGENT_TYPES: readonly PayloadAttackType[] = ['SQL_INJECTION', 'XSS', 'SHELLSHOCK', 'LOG4SHELL', 'SCANNER_USER_AGENT'];

/** How a part's text is decoded before matching (see normalise / normaliseForm). */
export type PartDecoding = 'target' | 'url' | 'text' | 'form';

/** One named part of a request, raw, with what to look for in it. */
export interface RequestPart {
  /** attack_details.matched_part: "request target", "header Referer", "body" … */
  name: string;
  raw: string;
  decoding: PartDecoding;
  types: readonly PayloadAttackType[];
}

/** The target and every header of a request head, each with its types. */
export function headParts(req: HttpRequest): RequestPart[] {
  const parts: RequestPart[] = [{ name: 'request target', raw: req.target, decoding: 'target', types: TARGET_TYPES }];
  for (const h of req.headers) parts.push(headerPart(h));
  return parts;
}

function headerPart(h: HttpHeader): RequestPart {
  const types = h.lower === 'user-agent' ? USER_AGENT_TYPES : REFLECTED_HEADERS.has(h.lower) ? REFLECTED_TYPES : ANY_HEADER_TYPES;
  // Referer and Origin are URLs: '+' in their query means a space, as in a request target.
  const decoding: PartDecoding = h.lower === 'referer' || h.lower === 'origin' ? 'target' : 'text';
  return { name: `header ${h.name}`, raw: h.value, decoding, types };
}
