import type { HaloApi } from './clients/halo';

/**
 * Wall time during which at least one call was under way (overlapping calls count once): the
 * summary's Halo share of a run, which says whether a slow run waited on Halo or on Jira.
 */
export class BusyClock {
  private inFlight = 0;
  private since = 0;
  private total = 0;

  constructor(private readonly now: () => number = Date.now) {}

  async track<T>(call: () => Promise<T>): Promise<T> {
    if (this.inFlight++ === 0) this.since = this.now();
    try {
      return await call();
    } finally {
      if (--this.inFlight === 0) this.total += this.now() - this.since;
    }
  }

  get busyMs(): number {
    return this.total + (this.inFlight > 0 ? this.now() - this.since : 0);
  }
}

/** The same Halo client, its calls timed by `clock`. */
export function timedHalo(halo: HaloApi, clock: BusyClock): HaloApi {
  return {
    listIssues: (since, criticalOnly) => clock.track(() => halo.listIssues(since, criticalOnly)),
    describeIssue: (id) => clock.track(() => halo.describeIssue(id)),
    fetchLinked: (url) => clock.track(() => halo.fetchLinked(url)),
    get requests() {
      return halo.requests;
    },
    get throttle() {
      return halo.throttle;
    },
  };
}
