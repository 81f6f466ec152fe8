import { TOLLGATE_VERSION } from "../core/version";
/** Identity of the kafka-usage plugin in every host. */
export const KAFKA_USAGE_NAME = "kafka-usage";
/** tollgate's version (package.json, through ../core/version.ts). */
export const KAFKA_USAGE_VERSION = TOLLGATE_VERSION;
/**
 * Kong: a log-phase plugin. Log handlers run in priority order after the response is
 * sent; next to Kong's own loggers (http-log 12, kafka-log 11 in Enterprise), and after
 * tollgate's access plugins have recorded the tier, plan and features of the request.
 */
export const KAFKA_USAGE_PRIORITY = 10;
/** APISIX: next to kafka-logger (403), at a priority no bundled plugin has; the log phase runs after every access decision. */
export const KAFKA_USAGE_APISIX_PRIORITY = 404;
