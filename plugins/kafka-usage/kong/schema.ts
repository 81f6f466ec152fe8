/** Kong schema of kafka-usage: `kong.plugins.kafka-usage.schema`, derived from ../schema.ts. */
import { kongPluginSchema } from "../../hosts/kong/schema";
import { KAFKA_USAGE_NAME } from "../meta";
import { kafkaUsageSchema } from "../schema";

export = kongPluginSchema(KAFKA_USAGE_NAME, kafkaUsageSchema);
