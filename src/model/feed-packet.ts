/** One line of the live packet feed, as the UI shows it. Strings are raw: sanitize before display. */
export interface FeedPacket {
  tsMicros: number;
  proto: number;
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
  tcpFlags: number;
  length: number;
  icmpType: number;
  /** A short description when there is one: the HTTP request line, Host and User-Agent. */
  info: string | null;
  /** Country tag of the remote end (set when a snapshot is built), or null. */
  country: string | null;
  /** Local process of the packet's flow (live capture; set when a snapshot is built), or null. */
  process: string | null;
  /** The flow the packet belongs to (0 = untracked). */
  flowUid: number;
}
