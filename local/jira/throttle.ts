/**
 * Jira Cloud's rate limiting as the stand-in plays it: scripted 429s / 503s (next N requests of a
 * kind) and an optional per-second budget that produces real 429s under load. Headers are those
 * Atlassian documents: Retry-After (seconds), X-RateLimit-Reset (ISO), RateLimit-Reason.
 */
import type { StubResponse } from '../http-kit';
import type { RequestKind } from './router';
import { seededRandom } from '../random';
import { jiraError } from './site';

export interface ThrottleScript {
  /** Only requests of this kind (default: any). */
  kind?: RequestKind;
  /** Retry-After seconds (default 1). */
  retryAfterSec?: number;
  /** RateLimit-Reason header for 429s (default `jira-burst-based`). */
  reason?: string;
}

/** A share of write requests refused at random (deterministic seed): Jira under load. */
export interface WriteStorm {
  /** Fraction of writes answered 429 (e.g. 0.2). */
  rateLimited: number;
  /** Fraction of writes answered 503 with Retry-After (e.g. 0.05). */
  unavailable: number;
  seed?: number;
}

const WRITE_KINDS: ReadonlySet<RequestKind> = new Set(['create', 'bulkCreate', 'transition', 'comment']);

interface Rule extends ThrottleScript {
  status: 429 | 503;
  remaining: number;
}

export class Throttle {
  private rules: Rule[] = [];
  private window: number[] = [];
  private storm: { rates: WriteStorm; random: () => number } | undefined;

  constructor(private readonly now: () => number, public requestsPerSecond = 0) {}

  /** The next `times` matching requests answer 429. */
  rateLimitNext(times: number, script: ThrottleScript = {}): void {
    this.rules.push({ ...script, status: 429, remaining: times });
  }

  /** The next `times` matching requests answer 503 with Retry-After. */
  unavailableNext(times: number, script: Omit<ThrottleScript, 'reason'> = {}): void {
    this.rules.push({ ...script, status: 503, remaining: times });
  }

  /** From now on, writes are refused at these rates (undefined: stop). */
  writeStorm(rates: WriteStorm | undefined): void {
    this.storm = rates && { rates, random: seededRandom(rates.seed ?? 1) };
  }

  pending(): number {
    return this.rules.reduce((n, r) => n + r.remaining, 0);
  }

  clear(): void {
    this.rules = [];
    this.window = [];
    this.storm = undefined;
  }

  /** A throttling answer for this request, or undefined to let it through. */
  check(kind: RequestKind): StubResponse | undefined {
    const at = this.now();
    const rule = this.rules.find((r) => r.remaining > 0 && (r.kind === undefined || r.kind === kind));
    if (rule) {
      rule.remaining -= 1;
      return rule.status === 429 ? this.tooMany(at, rule.retryAfterSec ?? 1, rule.reason ?? 'jira-burst-based', 0) : this.unavailable(rule.retryAfterSec ?? 1);
    }
    if (this.storm && WRITE_KINDS.has(kind)) {
      const roll = this.storm.random();
      if (roll < this.storm.rates.rateLimited) return this.tooMany(at, 1, 'jira-burst-based', 0);
      if (roll < this.storm.rates.rateLimited + this.storm.rates.unavailable) return this.unavailable(1);
    }
    if (this.requestsPerSecond <= 0) return undefined;
    this.window = this.window.filter((t) => t > at - 1000);
    if (this.window.length >= this.requestsPerSecond) {
      const waitMs = (this.window[0] ?? at) + 1000 - at;
      return this.tooMany(at, Math.max(1, Math.ceil(waitMs / 1000)), 'jira-burst-based', this.requestsPerSecond);
    }
    this.window.push(at);
    return undefined;
  }

  private tooMany(at: number, retryAfterSec: number, reason: string, limit: number): StubResponse {
    return jiraError(429, ['Rate limit exceeded.'], {}, {
      'retry-after': String(retryAfterSec),
      'x-ratelimit-reset': new Date(at + retryAfterSec * 1000).toISOString(),
      'x-ratelimit-limit': String(limit || 100),
      'x-ratelimit-remaining': '0',
      'ratelimit-reason': reason,
    });
  }

  private unavailable(retryAfterSec: number): StubResponse {
    return jiraError(503, ['Service temporarily unavailable. Please try again later.'], {}, { 'retry-after': String(retryAfterSec) });
  }
}
