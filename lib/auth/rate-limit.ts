/**
 * Growing delays after wrong tokens: per client, and overall as a fallback for many clients.
 * Pure (time is passed in), so the policy is tested without waiting.
 */
export interface BackoffPolicy {
  /** failures allowed before the first delay */
  freeFailures: number;
  /** the first delay; each further failure doubles it */
  baseDelayMs: number;
  maxDelayMs: number;
  /** a record with no failure for this long is forgotten */
  forgetAfterMs: number;
}

interface Failures {
  failures: number;
  lastFailureAt: number;
  blockedUntil: number;
}

export class FailureLimiter {
  private readonly clients = new Map<string, Failures>();
  private overall: Failures = fresh();

  constructor(
    private readonly perClient: BackoffPolicy,
    private readonly everyone: BackoffPolicy,
    private readonly maxClients = 10_000,
  ) {}

  /**
   * 0 when `client` may try a token now, otherwise the seconds to wait. A try while blocked
   * counts as one more failure of that client, so knocking on makes its wait grow.
   */
  check(client: string, now: number): number {
    const record = this.record(client, now);
    if (record.blockedUntil > now) {
      fail(record, this.perClient, now);
      return secondsUntil(record.blockedUntil, now);
    }
    this.overall = current(this.overall, this.everyone, now);
    return this.overall.blockedUntil > now ? secondsUntil(this.overall.blockedUntil, now) : 0;
  }

  failed(client: string, now: number): void {
    fail(this.record(client, now), this.perClient, now);
    this.overall = current(this.overall, this.everyone, now);
    fail(this.overall, this.everyone, now);
  }

  succeeded(client: string): void {
    this.clients.delete(client);
  }

  private record(client: string, now: number): Failures {
    const record = current(this.clients.get(client) ?? fresh(), this.perClient, now);
    this.clients.delete(client); // re-inserted last: the Map's order is least recently used first
    if (this.clients.size >= this.maxClients) {
      const oldest = this.clients.keys().next().value;
      if (oldest !== undefined) this.clients.delete(oldest);
    }
    this.clients.set(client, record);
    return record;
  }
}

function fresh(): Failures {
  return { failures: 0, lastFailureAt: 0, blockedUntil: 0 };
}

function current(record: Failures, policy: BackoffPolicy, now: number): Failures {
  const quiet = now - record.lastFailureAt > policy.forgetAfterMs && record.blockedUntil <= now;
  return quiet ? fresh() : record;
}

function fail(record: Failures, policy: BackoffPolicy, now: number): void {
  record.failures += 1;
  record.lastFailureAt = now;
  const over = record.failures - policy.freeFailures;
  if (over >= 0) {
    record.blockedUntil = now + Math.min(policy.baseDelayMs * 2 ** over, policy.maxDelayMs);
  }
}

function secondsUntil(time: number, now: number): number {
  return Math.max(1, Math.ceil((time - now) / 1000));
}
