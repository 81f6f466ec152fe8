/**
 * kong-pdk's period store: one map in the plugin server process (one per Kong node),
 * which entitlement-check and tier-limit share there. Importing this module installs it.
 * Each plugin is its own bundle (lua-out/kong-js/*.cjs) with its own copy of this
 * module, so the map hangs off globalThis under a registered symbol: one per process.
 */
import { installPeriodStore } from "../billing-periods";

const global = globalThis as unknown as { [key: symbol]: Map<string, string> | undefined };
const SLOT = Symbol.for("tollgate.billing-periods");
const periods = global[SLOT] ?? new Map<string, string>();
global[SLOT] = periods;
/** Subjects kept at most; past that the oldest entry goes (a shared dict's LRU does the same on Lua hosts). */
const PERIODS_MAX = 100_000;

installPeriodStore({
  get: (dict, key) => periods.get(`${dict}\n${key}`),
  set: (dict, key, value) => {
    const name = `${dict}\n${key}`;
    periods.delete(name);
    if (periods.size >= PERIODS_MAX) periods.delete(periods.keys().next().value!);
    periods.set(name, value);
    return true;
  },
  delete: (dict, key) => {
    periods.delete(`${dict}\n${key}`);
  },
});
