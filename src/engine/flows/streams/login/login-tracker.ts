import { LineSplitter } from './line-splitter.js';

export type LoginProtocol = 'FTP' | 'POP3' | 'IMAP' | 'SMTP';

/** The server's verdict on one login of a clear-text protocol. */
export interface LoginReply {
  protocol: LoginProtocol;
  outcome: 'failure' | 'success';
  /** The user name the client sent (USER, LOGIN, APOP), cut to 64 characters; raw. */
  user: string | null;
  /** Failed logins on this connection so far, this one included. */
  failures: number;
  /** The server's reply line, cut to 120 characters; raw. */
  reply: string;
}

export interface LoginSink {
  onLoginReply(reply: LoginReply): void;
}

const MAX_USER_CHARS = 64;
const MAX_REPLY_CHARS = 120;

/** A final reply line of FTP and SMTP: three digits and a space (or nothing); "530-" continues a multi-line reply. */
const FINAL_REPLY = /^([0-9]{3})(?: |$)/;

/**
 * Logins of FTP, POP3, IMAP and SMTP read from both directions of a control connection: the
 * client's command says a password (or SASL exchange) was sent, the server's next final reply
 * says whether it was accepted. Only replies to a login count, so "530 Please login first" to
 * another command is not a failed password, and a brute force that keeps one connection open
 * counts every try. After STARTTLS / AUTH TLS is accepted the bytes are encrypted: both
 * directions stop being read.
 */
export class LoginTracker {
  readonly client: LineSplitter;
  readonly server: LineSplitter;
  private awaiting = false;
  /** IMAP: the tag of the LOGIN / AUTHENTICATE command awaiting its answer. */
  private tag: string | null = null;
  private tlsTag: string | null = null;
  private tlsAsked = false;
  private user: string | null = null;
  failures = 0;

  constructor(
    readonly protocol: LoginProtocol,
    private readonly sink: LoginSink,
  ) {
    this.client = new LineSplitter((line) => this.clientLine(line));
    this.server = new LineSplitter((line) => this.serverLine(line));
  }

  private clientLine(line: string): void {
    if (this.protocol === 'IMAP') {
      const m = /^([^\s]{1,32}) +([A-Za-z]{1,16})(?: +(.*))?$/.exec(line);
      if (m === null) return;
      const verb = m[2]!.toUpperCase();
      if (verb === 'LOGIN' || verb === 'AUTHENTICATE') {
        this.tag = m[1]!;
        if (verb === 'LOGIN') this.user = firstWord(m[3] ?? '');
      } else if (verb === 'STARTTLS') {
        this.tlsTag = m[1]!;
      }
      return;
    }
    const sp = line.indexOf(' ');
    const verb = (sp < 0 ? line : line.slice(0, sp)).toUpperCase();
    const arg = sp < 0 ? '' : line.slice(sp + 1);
    switch (verb) {
      case 'USER':
        this.user = cut(arg.trim(), MAX_USER_CHARS);
        this.awaiting = false;
        break;
      case 'PASS':
        this.awaiting = true;
        break;
      case 'APOP':
        this.user = firstWord(arg);
        this.awaiting = true;
        break;
      case 'AUTH':
        // FTP's AUTH TLS is a TLS upgrade; elsewhere AUTH starts a SASL login.
        if (this.protocol === 'FTP') this.tlsAsked = /^(?:TLS|SSL)/i.test(arg.trim());
        else this.awaiting = true;
        break;
      case 'STLS':
      case 'STARTTLS':
        this.tlsAsked = true;
        break;
    }
  }

  private serverLine(line: string): void {
    if (this.protocol === 'IMAP') {
      const m = /^([^\s]{1,32}) +(OK|NO|BAD)\b/i.exec(line);
      if (m === null) return;
      const status = m[2]!.toUpperCase();
      if (m[1] === this.tlsTag && status === 'OK') return this.stop();
      if (m[1] !== this.tag) return;
      this.tag = null;
      if (status === 'OK') this.report('success', line);
      else if (status === 'NO') this.report('failure', line);
      return;
    }
    if (this.protocol === 'POP3') {
      const ok = line.startsWith('+OK');
      if (this.tlsAsked) {
        this.tlsAsked = false;
        if (ok) return this.stop();
      }
      if (!this.awaiting) return;
      if (ok) this.report('success', line);
      else if (line.startsWith('-ERR')) this.report('failure', line);
      // "+ " is a SASL continuation: the verdict comes later.
      return;
    }
    const m = FINAL_REPLY.exec(line);
    if (m === null) return;
    const code = Number(m[1]);
    if (this.tlsAsked) {
      this.tlsAsked = false;
      if ((this.protocol === 'FTP' && code === 234) || (this.protocol === 'SMTP' && code === 220)) return this.stop();
    }
    if (!this.awaiting) return;
    if (this.protocol === 'FTP') {
      if (code === 230) this.report('success', line);
      else if (code === 530 || code === 430) this.report('failure', line);
      else if (code < 300 || code >= 400) this.awaiting = false; // 331/332: still logging in
    } else {
      if (code === 235) this.report('success', line);
      else if (code === 535) this.report('failure', line);
      else if (code !== 334) this.awaiting = false; // 334: SASL continuation
    }
  }

  private report(outcome: 'failure' | 'success', line: string): void {
    this.awaiting = false;
    if (outcome === 'failure') this.failures++;
    this.sink.onLoginReply({ protocol: this.protocol, outcome, user: this.user, failures: this.failures, reply: cut(line, MAX_REPLY_CHARS) });
  }

  private stop(): void {
    this.client.stopped = true;
    this.server.stopped = true;
  }
}

function firstWord(s: string): string | null {
  const w = s.trim().split(/\s+/)[0] ?? '';
  return w === '' ? null : cut(w.replace(/^"|"$/g, ''), MAX_USER_CHARS);
}

function cut(s: string, n: number): string {
  return s.length > n ? s.slice(0, n) : s;
}
