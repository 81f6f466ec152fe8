/**
 * The tier-limit configs Kong runs, as the handler's `configure(configs)` hands them to
 * each worker (Kong 3.4+, kong/runloop/plugins_iterator.lua: on start and after every
 * configuration change, with all enabled configs of the plugin, nil when none). The
 * Admin API module reads them: the Admin API is served by the same workers.
 */
import type { KongConfigIdentity } from "../../hosts/kong/adapter";
import type { TierLimitConfig } from "../schema";

/** A config as Kong hands it over: with its entity ids and the plugin's id. */
export type KongTierLimitConfig = TierLimitConfig & KongConfigIdentity & { __plugin_id?: string };

let configured: readonly KongTierLimitConfig[] | undefined;

export function setConfigured(configs: readonly KongTierLimitConfig[] | undefined): void {
  configured = configs;
}

/** The configs of the last configure(), or undefined when Kong never called it (Kong before 3.4). */
export function configuredConfigs(): readonly KongTierLimitConfig[] | undefined {
  return configured;
}
