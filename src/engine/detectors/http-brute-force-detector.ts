import { newAlert } from './new-alert.js';
import { roundSeconds, type Alert } from '../../model/alert.js';
import type { HttpExchange, LoginAttempt } from '../flows/streams/http/http-message.js';
import type { StreamInfo, StreamListener } from '../flows/streams/stream-listener.js';
import type { DetectorContext } from './detector.js';
import { positiveInt, seconds } from '../../config/checkers.js';
import type { ConfiguredDetectorDescriptor } from './detector-descriptor.js';

export interface HttpBruteForceSettings {
  /** Refused logins of one client within this many seconds … */
  windowSeconds: number;
  /** … that raise HTTP_BRUTE_FORCE. */
  failures: number;
}

/** A person who mistypes a password a few times stays under every profile's count. */
export const HTTP_BRUTE_FORCE_THRESHOLDS: Record<'high-security' | 'balanced' | 'development', HttpBruteForceSettings> = {
  'high-security': { windowSeconds: 60, failures: 5 },
  balanced: { windowSeconds: 60, failures: 10 },
  development: { windowSeconds: 60, failures: 20 },
};

/** Authorization schemes that carry a password (a refused token is not a guessed password). */
const PASSWORD_SCHEMES: ReadonlySet<string> = new Set(['basic', 'digest', 'ntlm', 'negotiate']);
/** Methods that submit a login form. */
const SUBMITTING = new Set(['POST', 'PUT', 'PATCH']);

/**
 * What a refused answer says about its request: the login method it used, or null when the
 * request was no login (a 403 for a forbidden directory, a 401 challenge to a request that sent
 * no credentials yet, as every browser's first visit gets).
 */
export function refusedLogin(ex: HttpExchange): string | null {
  const r: LoginAttempt | null = ex.request;
  if (r === null || (ex.status !== 401 && ex.status !== 403)) return null;
  if (r.authorization !== null) return PASSWORD_SCHEMES.has(r.authorization) ? r.authorization : null;
  if (r.passwordField) return 'form';
  if (r.loginPath && SUBMITTING.has(r.method)) return 'form';
  return null;
}

/** One client's recent refusals: the last `n` times and statuses, a ring. */
class Refusals {
  readonly times: Float64Array;
  readonly statuses: Uint16Array;
  head = 0;
  filled = 0;
  lastSeen = 0;
  constructor(n: number) {
    this.times = new Float64Array(n);
    this.statuses = new Uint16Array(n);
  }

  /** Records one; returns how many of the remembered ones lie within the window. */
  add(ts: number, status: number, windowMicros: number): number {
    this.times[this.head] = ts;
    this.statuses[this.head] = status;
    this.head = (this.head + 1) % this.times.length;
    if (this.filled < this.times.length) this.filled++;
    this.lastSeen = ts;
    let n = 0;
    for (let i = 0; i < this.filled; i++) if (ts - this.times[i]! <= windowMicros) n++;
    return n;
  }

  earliestWithin(ts: number, windowMicros: number): number {
    let first = ts;
    for (let i = 0; i < this.filled; i++) if (ts - this.times[i]! <= windowMicros && this.times[i]! < first) first = this.times[i]!;
    return first;
  }

  /** Statuses of the refusals within the window, counted. */
  statusesWithin(ts: number, windowMicros: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (let i = 0; i < this.filled; i++) if (ts - this.times[i]! <= windowMicros) out[this.statuses[i]!] = (out[this.statuses[i]!] ?? 0) + 1;
    return out;
  }
}

class Campaign {
  failures = 0;
  readonly statuses: Record<string, number> = {};
  constructor(
    readonly alert: Alert,
    readonly firstSeen: number,
    public lastSeen: number,
  ) {}
}

/**
 * HTTP_BRUTE_FORCE: bursts of 401/403 answers to one client's logins, read from the server's
 * replies on reassembled HTTP streams. A refusal counts when its request carried a password
 * (Basic / Digest / NTLM Authorization, a password field in the query or a form / JSON body) or
 * submitted to a login path (/login, /signin, wp-login.php …). One alert per client, updated
 * while the refusals go on; it is forgotten after ten windows of quiet.
 *
 * What it does not see: logins whose failure is a 200 page saying "wrong password" (hydra's
 * http-post-form with a failure string matches these; the status alone does not tell them apart
 * from a successful login), and HTTPS.
 */
export class HttpBruteForceDetector implements StreamListener {
  readonly name = 'http-brute-force';
  private windowMicros: number;
  private settings: HttpBruteForceSettings;
  /** Map order is LRU order. */
  private readonly clients = new Map<string, Refusals>();
  private readonly campaigns = new Map<string, Campaign>();
  private nextSweep = 0;
  evictedClients = 0;
  evictedCampaigns = 0;

  constructor(
    settings: HttpBruteForceSettings,
    private readonly ctx: DetectorContext,
    private readonly maxClients = 16_384,
    private readonly maxCampaigns = 4096,
  ) {
    this.settings = { ...settings };
    this.windowMicros = settings.windowSeconds * 1e6;
  }

  reconfigure(settings: HttpBruteForceSettings): void {
    this.settings = { ...settings };
    this.windowMicros = settings.windowSeconds * 1e6;
    // Rings keep their newest times; a raised count gets a bigger ring on the next refusal.
  }

  get trackedClients(): number {
    return this.clients.size;
  }

  onHttpExchange(ex: HttpExchange, stream: StreamInfo, tsMicros: number): void {
    const method = refusedLogin(ex);
    if (method === null) return;
    const home = this.ctx.homeNet;
    const w = stream.serverWords;
    if (home !== null && !home.has(w[0]!, w[1]!, w[2]!, w[3]!)) return;
    const client = stream.client;
    const n = this.settings.failures;
    let ring = this.clients.get(client);
    if (ring !== undefined) {
      this.clients.delete(client);
    } else if (this.clients.size >= this.maxClients) {
      this.clients.delete(this.clients.keys().next().value as string);
      this.evictedClients++;
    }
    if (ring === undefined || ring.times.length !== n) {
      // New client, or the count changed on reload: a ring of the new size with the newest refusals.
      const old = ring;
      ring = new Refusals(n);
      if (old !== undefined) for (let i = 0; i < old.filled; i++) ring.add(old.times[i]!, old.statuses[i]!, this.windowMicros);
    }
    this.clients.set(client, ring);
    const inWindow = ring.add(tsMicros, ex.status, this.windowMicros);

    let c = this.campaigns.get(client);
    const isNew = c === undefined;
    if (c === undefined) {
      if (inWindow < n) return;
      c = this.open(client, ring.earliestWithin(tsMicros, this.windowMicros), tsMicros);
      c.failures = inWindow;
      Object.assign(c.statuses, ring.statusesWithin(tsMicros, this.windowMicros));
    } else {
      c.failures++;
      c.statuses[ex.status] = (c.statuses[ex.status] ?? 0) + 1;
    }
    if (tsMicros > c.lastSeen) c.lastSeen = tsMicros;
    const a = c.alert;
    a.target_ip = stream.server;
    a.target_port = stream.serverPort;
    a.packet_count = c.failures;
    a.duration = roundSeconds((c.lastSeen - c.firstSeen) / 1e6);
    const d = a.attack_details;
    d.failures = c.failures;
    d.statuses = { ...c.statuses };
    d.auth = method;
    d.path = ex.request!.path;
    d.threshold = n;
    d.window_seconds = this.settings.windowSeconds;
    if (isNew) this.ctx.raise(a, tsMicros);
    else this.ctx.changed(a);
  }

  private open(client: string, firstSeen: number, ts: number): Campaign {
    if (this.campaigns.size >= this.maxCampaigns) {
      this.campaigns.delete(this.campaigns.keys().next().value as string);
      this.evictedCampaigns++;
    }
    const alert = newAlert(this.ctx, {
      attackType: 'HTTP_BRUTE_FORCE',
      severity: 'high',
      attacker: client,
      nowMicros: ts,
      firstSeenMicros: firstSeen,
      protocol: 'tcp',
      service: 'HTTP',
      details: { failures: 0, statuses: {}, auth: '', path: '', threshold: 0, window_seconds: 0 },
    });
    const c = new Campaign(alert, firstSeen, ts);
    this.campaigns.set(client, c);
    return c;
  }

  onTick(nowMicros: number): void {
    if (nowMicros < this.nextSweep) return;
    this.nextSweep = nowMicros + Math.min(this.windowMicros, 10e6);
    const ringCutoff = nowMicros - this.windowMicros;
    for (const [client, ring] of this.clients) if (ring.lastSeen < ringCutoff) this.clients.delete(client);
    const campaignCutoff = nowMicros - 10 * this.windowMicros;
    for (const [client, c] of this.campaigns) if (c.lastSeen < campaignCutoff) this.campaigns.delete(client);
  }
}

/** HTTP_BRUTE_FORCE from refused logins (401/403) in HTTP replies, per client within a window. */
export const httpBruteForceDescriptor: ConfiguredDetectorDescriptor<'httpBruteForce', HttpBruteForceSettings, HttpBruteForceDetector> = {
  name: 'httpBruteForce',
  stage: 'stream',
  settings: {
    defaults: HTTP_BRUTE_FORCE_THRESHOLDS,
    schema: { windowSeconds: seconds, failures: positiveInt },
  },
  create: (settings, inputs) => new HttpBruteForceDetector(settings, inputs.context),
  reconfigure: (detector, settings) => (detector.reconfigure(settings), []),
};
