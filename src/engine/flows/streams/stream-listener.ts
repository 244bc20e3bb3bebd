import type { HttpExchange, HttpRequest } from './http/http-message.js';
import type { LoginReply } from './login/login-tracker.js';
import type { StreamApp } from './stream-apps.js';

/** The connection a stream event belongs to. Addresses are formatted once per stream. */
export interface StreamInfo {
  /** The flow's uid (as in the flow table and the UI). */
  readonly uid: number;
  readonly app: StreamApp;
  readonly client: string;
  readonly server: string;
  readonly clientPort: number;
  readonly serverPort: number;
  /** The server's address as four words (IPv4-mapped), for home-net checks without parsing. */
  readonly serverWords: Uint32Array;
}

/**
 * What detectors can hear from the stream layer; each method is optional. Called on the packet
 * path, in packet time, while the packet that completed the event is being processed (or at a
 * tick, for streams that end by going idle). Event objects must not be kept past the call.
 */
export interface StreamListener {
  /** A request head: request line and every header (the body follows in onHttpBody). */
  onHttpRequest?(req: HttpRequest, stream: StreamInfo, tsMicros: number): void;
  /** A request's body was read (its first kept bytes in `req.body`). */
  onHttpBody?(req: HttpRequest, stream: StreamInfo, tsMicros: number): void;
  /** A final response and the request it answers. */
  onHttpExchange?(exchange: HttpExchange, stream: StreamInfo, tsMicros: number): void;
  /** The server accepted or refused a login of FTP, POP3, IMAP or SMTP. */
  onLoginReply?(reply: LoginReply, stream: StreamInfo, tsMicros: number): void;
}

export function isStreamListener(x: unknown): x is StreamListener {
  if (typeof x !== 'object' || x === null) return false;
  const l = x as Record<string, unknown>;
  return typeof l['onHttpRequest'] === 'function' || typeof l['onHttpBody'] === 'function' || typeof l['onHttpExchange'] === 'function' || typeof l['onLoginReply'] === 'function';
}
