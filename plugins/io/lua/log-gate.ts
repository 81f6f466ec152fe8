/**
 * The node-wide store of core/log-throttle.ts: a lua_shared_dict, shared by all workers,
 * whose `add` (atomic: one caller wins while the key lives) and `incr` make one error line
 * per interval per node. Undefined when the dict is not declared: the throttle is then
 * per worker.
 */
import type { ThrottleStore } from "../../core/log-throttle";

const stores: { [dict: string]: ThrottleStore | false } = {};

/** The throttle store over lua_shared_dict `dictName`, or undefined when nginx has no such dict. */
export function logGate(dictName: string): ThrottleStore | undefined {
  let store = stores[dictName];
  if (store === undefined) {
    const dict = ngx.shared[dictName];
    store =
      dict === undefined
        ? false
        : {
            add: (key, ttl) => {
              const [ok, err] = dict.add(key, true, ttl);
              if (ok) return true;
              return err === "exists" ? false : undefined;
            },
            incr: (key, by) => {
              const [value] = dict.incr(key, by, 0);
              return value;
            },
          };
    stores[dictName] = store;
  }
  return store === false ? undefined : store;
}
