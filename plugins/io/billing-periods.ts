/**
 * The node-wide store of subscribers' billing periods (core/billing-period.ts) that
 * entitlement-check writes and tier-limit reads. On Kong and APISIX it is a
 * lua_shared_dict (every worker of the node sees one write); kong-pdk installs the
 * plugin server's memory (io/node/billing-periods.ts), which both plugins share when
 * they run in one plugin server. Per node: a webhook or answer that reached another
 * node is seen here once this node's own cached answer is fetched again.
 */
import { decodePeriod, encodePeriod, periodKey, type BillingPeriod } from "../core/billing-period";

export interface PeriodStore {
  get(this: void, dict: string, key: string): string | undefined;
  /** Stores `value` (no expiry: the dict's LRU evicts); false when it could not. */
  set(this: void, dict: string, key: string, value: string): boolean;
  delete(this: void, dict: string, key: string): void;
}

/** ngx.shared as much as is used here (in Lua; Node has no `ngx`). */
interface LuaDict {
  get(this: LuaDict, key: string): unknown;
  /** The first of its results (ok); Lua drops the rest. */
  set(this: LuaDict, key: string, value: string): boolean;
  delete(this: LuaDict, key: string): void;
}
const luaNgx = (globalThis as unknown as { ngx?: { shared?: { [name: string]: LuaDict | undefined } } }).ngx;

const SHARED_DICT_STORE: PeriodStore = {
  get: (dict, key) => {
    const value = luaNgx?.shared?.[dict]?.get(key);
    return typeof value === "string" ? value : undefined;
  },
  set: (dict, key, value) => {
    const shared = luaNgx?.shared?.[dict];
    if (shared === undefined) return false;
    return shared.set(key, value);
  },
  delete: (dict, key) => luaNgx?.shared?.[dict]?.delete(key),
};

let installed: PeriodStore | undefined;

/** Makes `store` the node's period store (kong-pdk; the Lua hosts use their shared dicts). */
export function installPeriodStore(store: PeriodStore): void {
  installed = store;
}

export function periodStore(): PeriodStore {
  return installed ?? SHARED_DICT_STORE;
}

/**
 * Records `subject`'s period (false: forgets it). `forwardOnly`: not over a period that
 * started later (events that arrive out of order). False when the store refused.
 */
export function recordPeriod(dict: string, subject: string, period: BillingPeriod | false, forwardOnly: boolean): boolean {
  const store = periodStore();
  const key = periodKey(subject);
  if (period === false) {
    store.delete(dict, key);
    return true;
  }
  if (forwardOnly) {
    const text = store.get(dict, key);
    const known = text === undefined ? undefined : decodePeriod(text);
    if (known !== undefined && known.start > period.start) return true;
  }
  return store.set(dict, key, encodePeriod(period));
}
