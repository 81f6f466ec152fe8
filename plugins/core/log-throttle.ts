/**
 * Rate-limits an error message: when a store fails on every request, the error
 * log gets one line per interval that says how many times it happened, not one
 * line per request. One throttle per message source per worker.
 */
export class LogThrottle {
  private nextAt = 0;
  private suppressed = 0;

  constructor(private readonly intervalSeconds: number) {}

  /**
   * Call on every occurrence. Returns the number of occurrences to report (this one
   * plus those swallowed since the last report), or 0 when it should stay quiet.
   */
  occurrence(now: number): number {
    if (now < this.nextAt) {
      this.suppressed += 1;
      return 0;
    }
    const count = this.suppressed + 1;
    this.suppressed = 0;
    this.nextAt = now + this.intervalSeconds;
    return count;
  }
}
