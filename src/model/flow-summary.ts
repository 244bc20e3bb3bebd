/** A connection as the Connections pane and the snapshot show it. Strings are raw: sanitize before display. */

/**
 * The request line, Host and User-Agent of an HTTP/1.x request, read from the first payload
 * of a flow. Values are raw attacker-controlled text: they must pass the display sanitizer
 * before reaching a terminal.
 */
export interface HttpRequestInfo {
  method: string;
  target: string;
  version: string;
  host: string | null;
  userAgent: string | null;
}

/** Zeek's conn_state names. */
export type ConnState =
  | 'S0'
  | 'S1'
  | 'SF'
  | 'REJ'
  | 'S2'
  | 'S3'
  | 'RSTO'
  | 'RSTR'
  | 'RSTOS0'
  | 'RSTRH'
  | 'SH'
  | 'SHR'
  | 'OTH';

export interface FlowSummary {
  uid: number;
  proto: number;
  origAddr: string;
  origPort: number;
  respAddr: string;
  respPort: number;
  state: ConnState;
  origPackets: number;
  respPackets: number;
  origBytes: number;
  respBytes: number;
  firstSeenMicros: number;
  lastSeenMicros: number;
  http: HttpRequestInfo | null;
  /** Country tag of the remote end (set when a snapshot is built), or null. */
  country: string | null;
  /** Name of the local process (live capture; set when a snapshot is built), or null. */
  process: string | null;
}
