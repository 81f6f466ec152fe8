/**
 * Kong handler of kafka-usage: `kong.plugins.kafka-usage.handler`. Log phase only: the
 * event is queued, and a worker timer delivers it (see ../lua/publisher.ts).
 */
import { kongConsumer, type KongConfigIdentity } from "../../hosts/kong/adapter";
import { pickHeaders } from "../../core/facts";
import type { ThresholdMessage } from "../../core/outcome";
import { nginxUsageFacts } from "../lua/facts";
import { publish, publishEncoded } from "../lua/publisher";
import { KAFKA_USAGE_PRIORITY, KAFKA_USAGE_VERSION } from "../meta";
import type { KafkaUsageConfig } from "../schema";

function readHeader(_context: undefined, name: string): string | undefined {
  return kong.request.get_header(name);
}

const KafkaUsageHandler = {
  PRIORITY: KAFKA_USAGE_PRIORITY,
  VERSION: KAFKA_USAGE_VERSION,
  log(this: unknown, conf: KafkaUsageConfig & KongConfigIdentity): void {
    const consumer = kongConsumer();
    const facts = nginxUsageFacts(kong.request.get_method(), kong.request.get_path(), kong.response.get_status(), consumer);
    const route = kong.router.get_route();
    const service = kong.router.get_service();
    facts.routeId = route?.id;
    facts.routeName = route?.name;
    facts.serviceId = service?.id;
    facts.serviceName = service?.name;
    if (consumer === undefined && conf.anonymous === "client_ip") facts.clientIp = kong.client.get_forwarded_ip();
    if (conf.headers !== undefined) facts.headers = pickHeaders(conf.headers, readHeader, undefined);
    // What tollgate's access plugins decided (hosts/kong/adapter.ts records it).
    const shared = kong.ctx.shared;
    facts.tier = shared["tollgate_tier"] as string | undefined;
    facts.plan = shared["tollgate_plan"] as string | undefined;
    facts.features = shared["tollgate_features"] as string | undefined;
    facts.overage = shared["tollgate_overage"] as string | undefined;
    facts.units = shared["tollgate_units"] as number | undefined;
    publish(conf, facts, kong.node.get_id());
    // Threshold events tier-limit emitted for this request (tier-limit/lua/thresholds.ts).
    const thresholds = shared["tollgate_threshold_events"] as ThresholdMessage[] | undefined;
    if (thresholds !== undefined) for (const event of thresholds) publishEncoded(conf, event.key, event.value, event.timestampMs);
  },
};

export = KafkaUsageHandler;
