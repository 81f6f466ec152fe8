/**
 * kong-pdk's period store: one map in the plugin server process (one per Kong node),
 * which entitlement-check and tier-limit share there. Importing this module installs it.
 */
import { installPeriodStore } from "../billing-periods";

const periods = new Map<string, string>();

installPeriodStore({
  get: (dict, key) => periods.get(`${dict}\n${key}`),
  set: (dict, key, value) => {
    periods.set(`${dict}\n${key}`, value);
    return true;
  },
  delete: (dict, key) => {
    periods.delete(`${dict}\n${key}`);
  },
});
