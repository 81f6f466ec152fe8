/** A rate-limit counter as the stores see it: a key and how long it lives. */
export interface Counter {
  key: string;
  /** Seconds the counter lives after it is created. */
  ttl: number;
}
