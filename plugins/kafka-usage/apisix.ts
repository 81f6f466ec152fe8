/**
 * APISIX plugin module of kafka-usage: `apisix.plugins.kafka-usage`. Log phase only:
 * the event is queued, and a worker timer delivers it (see ./lua/publisher.ts).
 */
import core = require("apisix.core");
import { pickHeaders } from "../core/facts";
import { apisixCheckSchema, apisixConsumer, toJsonSchema } from "../hosts/apisix/adapter";
import type { ApisixApiRoute } from "../hosts/apisix/plugin-api";
import { nginxUsageFacts } from "./lua/facts";
import { nodeStatus, publish, publishEncoded } from "./lua/publisher";
import { KAFKA_USAGE_APISIX_PRIORITY, KAFKA_USAGE_NAME, KAFKA_USAGE_VERSION } from "./meta";
import { kafkaUsageSchema, type KafkaUsageConfig } from "./schema";

const schema = toJsonSchema(kafkaUsageSchema);

function check_schema(conf: unknown): LuaMultiReturn<[boolean, string | undefined]> {
  return apisixCheckSchema(schema, kafkaUsageSchema, conf);
}

function readHeader(ctx: ApisixCtx, name: string): string | undefined {
  return core.request.header(ctx, name);
}

function log(conf: KafkaUsageConfig, ctx: ApisixCtx): void {
  const consumer = apisixConsumer(ctx);
  const facts = nginxUsageFacts(ctx.var["request_method"] ?? core.request.get_method(), ctx.var["uri"] ?? "/", ngx.status, consumer);
  facts.routeId = ctx.route_id;
  facts.routeName = ctx.route_name;
  facts.serviceId = ctx.service_id;
  facts.serviceName = ctx.service_name;
  if (consumer === undefined && conf.anonymous === "client_ip") facts.clientIp = ctx.var["remote_addr"];
  if (conf.headers !== undefined) facts.headers = pickHeaders(conf.headers, readHeader, ctx);
  facts.tier = ctx.tollgate_tier;
  facts.plan = ctx.tollgate_plan;
  facts.features = ctx.tollgate_features;
  facts.overage = ctx.tollgate_overage;
  facts.units = ctx.tollgate_units;
  publish(conf, facts, core.id.get());
  // Threshold events tier-limit emitted for this request (tier-limit/lua/thresholds.ts).
  const thresholds = ctx.tollgate_threshold_events;
  if (thresholds !== undefined) for (const event of thresholds) publishEncoded(conf, event.key, event.value, event.timestampMs);
}

/**
 * `GET /apisix/plugin/kafka-usage/status[?dict=<lua_shared_dict>]` (exposed with
 * APISIX's public-api plugin): this node's counters, total and per worker.
 */
function status(this: void, ctx: ApisixCtx): LuaMultiReturn<[number, object]> {
  const dict = ctx.var["arg_dict"] ?? "tollgate_usage";
  const figures = nodeStatus(dict);
  if (figures === undefined) return $multi(404, { message: `no lua_shared_dict '${dict}'` });
  return $multi(200, figures);
}

function api(): ApisixApiRoute[] {
  return [{ methods: ["GET"], uri: "/apisix/plugin/kafka-usage/status", handler: status }];
}

export = {
  version: KAFKA_USAGE_VERSION,
  priority: KAFKA_USAGE_APISIX_PRIORITY,
  name: KAFKA_USAGE_NAME,
  schema,
  check_schema,
  log,
  api,
};
