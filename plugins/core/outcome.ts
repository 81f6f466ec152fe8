/**
 * What a plugin's access step asks its host to do. Every plugin returns this one
 * shape, and each host adapter applies it with its own API (Kong PDK, apisix.core,
 * kong-pdk), so the logic never touches a response.
 */

/** End the request now with this status and JSON body. */
export interface Rejection {
  status: number;
  body: { [key: string]: unknown };
  headers: { [name: string]: string };
}

export interface AccessOutcome {
  /**
   * Request headers removed before anything is forwarded (client-sent copies of
   * ours). A name also in `upstream` is replaced by that value instead.
   */
  clearUpstream?: readonly string[];
  /** Request headers set for the upstream. */
  upstream?: { [name: string]: string };
  /** Response headers for the client. */
  response?: { [name: string]: string };
  /** When set, the request ends here. */
  rejection?: Rejection;
  /** Something the operator should see in the error log (the request was not failed for it). */
  warning?: string;
}
