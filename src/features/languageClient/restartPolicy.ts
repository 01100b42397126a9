/**
 * When the server process dies: restart it, unless it died `maxCrashes` times within `windowMs`
 * (then it is broken, and restarting forever would only burn CPU and spam the log).
 */
export class RestartPolicy {
  private crashes: number[] = [];

  constructor(
    private readonly maxCrashes = 5,
    private readonly windowMs = 3 * 60_000,
  ) {}

  /** Records a crash at `now`; true when the server should be restarted. */
  crashed(now = Date.now()): boolean {
    this.crashes = [...this.crashes.filter((t) => now - t < this.windowMs), now];
    return this.crashes.length < this.maxCrashes;
  }

  reset(): void {
    this.crashes = [];
  }
}
