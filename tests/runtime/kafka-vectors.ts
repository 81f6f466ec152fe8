/**
 * Writes tests/vectors/kafka-*.json: the expected bytes and values of tollgate's Kafka
 * protocol modules (plugins/io/kafka/), computed by independent implementations:
 *
 *   - the Java client itself (kafka-clients 3.9.2 from scripts/install-kafka.sh):
 *     Utils.murmur2, BuiltInPartitioner.partitionForKey, Crc32C, ByteUtils varints,
 *     MemoryRecordsBuilder (RecordBatch v2) and the generated message classes
 *     (RequestHeaderData, ApiVersions/Metadata/InitProducerId/Produce request and response
 *     data) serialized as the Java client and the broker do;
 *   - kafkajs 2.2.4's own encoders (crc32C, murmur2, Encoder varints, RecordBatch v0 +
 *     Record v0), which must agree with Java wherever they cover a case (checked here);
 *   - the murmur2 outputs documented in Kafka's UtilsTest.testMurmur2 (checked here).
 *
 * Run: `npx tsx tests/runtime/kafka-vectors.ts` (needs java with javac, i.e. a JDK, and
 * Maven for the jars). Nothing here runs in the test suite; the JSON files it writes do.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { kafkaLibs } from "./kafka.ts";
import { REPO_ROOT } from "./nginx.ts";

const require = createRequire(import.meta.url);
const KAFKA_VERSION = "3.9.2";

// ---------------------------------------------------------------------------------------
// kafkajs internals (plain CommonJS without typings): typed here by what this file uses.

interface KafkajsEncoder {
  buffer: Buffer;
  writeVarInt(n: number): KafkajsEncoder;
  writeVarLong(n: number): KafkajsEncoder;
  writeUVarInt(n: number): KafkajsEncoder;
  writeInt64(n: number): KafkajsEncoder;
}
const KjsEncoder = require("kafkajs/src/protocol/encoder.js") as new () => KafkajsEncoder;
const kjsCrc32C = require("kafkajs/src/protocol/recordBatch/crc32C/index.js") as (b: Buffer) => number;
const kjsMurmur2 = require("kafkajs/src/producer/partitioners/default/murmur2.js") as (key: Buffer) => number;
const kjsRecord = require("kafkajs/src/protocol/recordBatch/record/v0/index.js") as (r: {
  offsetDelta: number;
  timestampDelta: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, Buffer>;
}) => KafkajsEncoder;
const kjsRecordBatch = (require("kafkajs/src/protocol/recordBatch/v0/index.js") as {
  RecordBatch: (b: {
    firstTimestamp: number;
    maxTimestamp: number;
    partitionLeaderEpoch: number;
    lastOffsetDelta: number;
    transactional: boolean;
    producerId: number;
    producerEpoch: number;
    firstSequence: number;
    records: KafkajsEncoder[];
  }) => Promise<KafkajsEncoder>;
}).RecordBatch;

// ---------------------------------------------------------------------------------------
// The Java side: one program, cases in as JSON on stdin, results out as JSON.

const JAVA_SOURCE = String.raw`import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.message.*;
import org.apache.kafka.common.protocol.*;
import org.apache.kafka.common.record.*;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.utils.Utils;

public class KafkaVectors {
  static final HexFormat HEX = HexFormat.of();
  static byte[] bytes(JsonNode n) { return n == null || n.isNull() ? null : HEX.parseHex(n.asText()); }
  static String str(JsonNode n) { return n == null || n.isNull() ? null : n.asText(); }
  static String hex(ByteBuffer b) { byte[] a = new byte[b.remaining()]; b.duplicate().get(a); return HEX.formatHex(a); }

  static MemoryRecords batch(JsonNode spec) {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16);
    long producerId = spec.path("producerId").asLong(-1);
    short epoch = (short) spec.path("producerEpoch").asInt(-1);
    int seq = spec.path("baseSequence").asInt(-1);
    boolean txn = spec.path("transactional").asBoolean(false);
    MemoryRecordsBuilder b = MemoryRecords.builder(buf, RecordBatch.MAGIC_VALUE_V2, Compression.NONE, TimestampType.CREATE_TIME,
        0L, RecordBatch.NO_TIMESTAMP, producerId, epoch, seq, txn, RecordBatch.NO_PARTITION_LEADER_EPOCH);
    long offset = 0;
    for (JsonNode r : spec.get("records")) {
      List<Header> headers = new ArrayList<>();
      for (JsonNode h : r.path("headers")) headers.add(new RecordHeader(new String(bytes(h.get("key")), StandardCharsets.UTF_8), bytes(h.get("value"))));
      b.appendWithOffset(offset++, r.get("timestamp").asLong(), bytes(r.get("key")), bytes(r.get("value")), headers.toArray(new Header[0]));
    }
    return b.build();
  }

  static ApiMessage requestBody(int apiKey, short v, JsonNode s) {
    switch (apiKey) {
      case 18: return new ApiVersionsRequestData().setClientSoftwareName(str(s.get("softwareName"))).setClientSoftwareVersion(str(s.get("softwareVersion")));
      case 3: {
        List<MetadataRequestData.MetadataRequestTopic> topics = new ArrayList<>();
        for (JsonNode t : s.get("topics")) topics.add(new MetadataRequestData.MetadataRequestTopic().setName(t.asText()));
        return new MetadataRequestData().setTopics(topics).setAllowAutoTopicCreation(s.path("allowAutoTopicCreation").asBoolean(false));
      }
      case 22: return new InitProducerIdRequestData().setTransactionalId(str(s.get("transactionalId"))).setTransactionTimeoutMs(s.get("transactionTimeoutMs").asInt());
      case 17: return new SaslHandshakeRequestData().setMechanism(s.get("mechanism").asText());
      case 36: return new SaslAuthenticateRequestData().setAuthBytes(bytes(s.get("authBytes")));
      case 0: {
        ProduceRequestData.TopicProduceDataCollection coll = new ProduceRequestData.TopicProduceDataCollection();
        for (JsonNode t : s.get("topics")) {
          List<ProduceRequestData.PartitionProduceData> parts = new ArrayList<>();
          for (JsonNode p : t.get("partitions")) parts.add(new ProduceRequestData.PartitionProduceData().setIndex(p.get("partition").asInt()).setRecords(batch(p.get("batch"))));
          coll.add(new ProduceRequestData.TopicProduceData().setName(t.get("topic").asText()).setPartitionData(parts));
        }
        return new ProduceRequestData().setTransactionalId(str(s.get("transactionalId"))).setAcks((short) s.get("acks").asInt()).setTimeoutMs(s.get("timeoutMs").asInt()).setTopicData(coll);
      }
    }
    throw new IllegalArgumentException("api " + apiKey);
  }

  static List<Integer> ints(JsonNode a) { List<Integer> out = new ArrayList<>(); for (JsonNode n : a) out.add(n.asInt()); return out; }

  static ApiMessage responseBody(int apiKey, short v, JsonNode s) {
    switch (apiKey) {
      case 18: {
        ApiVersionsResponseData.ApiVersionCollection c = new ApiVersionsResponseData.ApiVersionCollection();
        for (JsonNode a : s.get("apis")) c.add(new ApiVersionsResponseData.ApiVersion().setApiKey((short) a.get("apiKey").asInt()).setMinVersion((short) a.get("min").asInt()).setMaxVersion((short) a.get("max").asInt()));
        ApiVersionsResponseData d = new ApiVersionsResponseData().setErrorCode((short) s.get("errorCode").asInt()).setApiKeys(c).setThrottleTimeMs(s.get("throttleTimeMs").asInt());
        if (s.has("finalizedFeaturesEpoch")) d.setFinalizedFeaturesEpoch(s.get("finalizedFeaturesEpoch").asLong());
        return d;
      }
      case 3: {
        MetadataResponseData.MetadataResponseBrokerCollection bc = new MetadataResponseData.MetadataResponseBrokerCollection();
        for (JsonNode b : s.get("brokers")) bc.add(new MetadataResponseData.MetadataResponseBroker().setNodeId(b.get("nodeId").asInt()).setHost(b.get("host").asText()).setPort(b.get("port").asInt()).setRack(str(b.get("rack"))));
        MetadataResponseData.MetadataResponseTopicCollection tc = new MetadataResponseData.MetadataResponseTopicCollection();
        for (JsonNode t : s.get("topics")) {
          List<MetadataResponseData.MetadataResponsePartition> ps = new ArrayList<>();
          for (JsonNode p : t.get("partitions")) ps.add(new MetadataResponseData.MetadataResponsePartition().setErrorCode((short) p.get("errorCode").asInt()).setPartitionIndex(p.get("partition").asInt()).setLeaderId(p.get("leaderId").asInt()).setLeaderEpoch(p.get("leaderEpoch").asInt()).setReplicaNodes(ints(p.get("replicas"))).setIsrNodes(ints(p.get("isr"))).setOfflineReplicas(ints(p.get("offlineReplicas"))));
          tc.add(new MetadataResponseData.MetadataResponseTopic().setErrorCode((short) t.get("errorCode").asInt()).setName(t.get("name").asText()).setIsInternal(t.get("isInternal").asBoolean()).setPartitions(ps));
        }
        return new MetadataResponseData().setThrottleTimeMs(s.get("throttleTimeMs").asInt()).setBrokers(bc).setClusterId(str(s.get("clusterId"))).setControllerId(s.get("controllerId").asInt()).setTopics(tc);
      }
      case 22: return new InitProducerIdResponseData().setThrottleTimeMs(s.get("throttleTimeMs").asInt()).setErrorCode((short) s.get("errorCode").asInt()).setProducerId(s.get("producerId").asLong()).setProducerEpoch((short) s.get("producerEpoch").asInt());
      case 17: {
        List<String> mechanisms = new ArrayList<>();
        for (JsonNode m : s.get("mechanisms")) mechanisms.add(m.asText());
        return new SaslHandshakeResponseData().setErrorCode((short) s.get("errorCode").asInt()).setMechanisms(mechanisms);
      }
      case 36: return new SaslAuthenticateResponseData().setErrorCode((short) s.get("errorCode").asInt()).setErrorMessage(str(s.get("errorMessage"))).setAuthBytes(bytes(s.get("authBytes"))).setSessionLifetimeMs(s.get("sessionLifetimeMs").asLong());
      case 0: {
        ProduceResponseData.TopicProduceResponseCollection tc = new ProduceResponseData.TopicProduceResponseCollection();
        for (JsonNode t : s.get("topics")) {
          List<ProduceResponseData.PartitionProduceResponse> ps = new ArrayList<>();
          for (JsonNode p : t.get("partitions")) {
            List<ProduceResponseData.BatchIndexAndErrorMessage> errs = new ArrayList<>();
            for (JsonNode e : p.path("recordErrors")) errs.add(new ProduceResponseData.BatchIndexAndErrorMessage().setBatchIndex(e.get("batchIndex").asInt()).setBatchIndexErrorMessage(str(e.get("message"))));
            ps.add(new ProduceResponseData.PartitionProduceResponse().setIndex(p.get("partition").asInt()).setErrorCode((short) p.get("errorCode").asInt()).setBaseOffset(p.get("baseOffset").asLong()).setLogAppendTimeMs(p.get("logAppendTimeMs").asLong()).setLogStartOffset(p.get("logStartOffset").asLong()).setRecordErrors(errs).setErrorMessage(str(p.get("errorMessage"))));
          }
          tc.add(new ProduceResponseData.TopicProduceResponse().setName(t.get("topic").asText()).setPartitionResponses(ps));
        }
        return new ProduceResponseData().setResponses(tc).setThrottleTimeMs(s.get("throttleTimeMs").asInt());
      }
    }
    throw new IllegalArgumentException("api " + apiKey);
  }

  static String serialize(Message header, short hv, Message body, short v, boolean sizePrefix) {
    ObjectSerializationCache cache = new ObjectSerializationCache();
    int size = header.size(cache, hv) + body.size(cache, v);
    ByteBuffer buf = ByteBuffer.allocate(size + (sizePrefix ? 4 : 0));
    if (sizePrefix) buf.putInt(size);
    ByteBufferAccessor acc = new ByteBufferAccessor(buf);
    header.write(acc, cache, hv);
    body.write(acc, cache, v);
    buf.flip();
    return hex(buf);
  }

  public static void main(String[] args) throws Exception {
    ObjectMapper om = new ObjectMapper();
    JsonNode cases = om.readTree(System.in);
    ArrayNode out = om.createArrayNode();
    for (JsonNode c : cases) {
      String op = c.get("op").asText();
      ObjectNode r = om.createObjectNode();
      switch (op) {
        case "murmur2": {
          byte[] k = bytes(c.get("key"));
          r.put("murmur2", Utils.murmur2(k));
          r.put("toPositive", Utils.toPositive(Utils.murmur2(k)));
          ArrayNode parts = r.putArray("partitions");
          for (JsonNode n : c.get("partitionCounts")) parts.add(BuiltInPartitioner.partitionForKey(k, n.asInt()));
          break;
        }
        case "crc32c": { byte[] d = bytes(c.get("data")); r.put("crc", Crc32C.compute(d, 0, d.length)); break; }
        case "varint": { ByteBuffer b = ByteBuffer.allocate(16); ByteUtils.writeVarint(c.get("n").asInt(), b); b.flip(); r.put("hex", hex(b)); break; }
        case "varlong": { ByteBuffer b = ByteBuffer.allocate(16); ByteUtils.writeVarlong(c.get("n").asLong(), b); b.flip(); r.put("hex", hex(b)); break; }
        case "uvarint": { ByteBuffer b = ByteBuffer.allocate(16); ByteUtils.writeUnsignedVarlong(c.get("n").asLong(), b); b.flip(); r.put("hex", hex(b)); break; }
        case "int64": { ByteBuffer b = ByteBuffer.allocate(8); b.putLong(c.get("n").asLong()); b.flip(); r.put("hex", hex(b)); break; }
        case "batch": { r.put("hex", hex(batch(c.get("batch")).buffer())); break; }
        case "request": {
          int k = c.get("apiKey").asInt(); short v = (short) c.get("version").asInt();
          ApiKeys api = ApiKeys.forId(k);
          RequestHeaderData h = new RequestHeaderData().setRequestApiKey((short) k).setRequestApiVersion(v).setCorrelationId(c.get("correlationId").asInt()).setClientId(str(c.get("clientId")));
          r.put("hex", serialize(h, api.requestHeaderVersion(v), requestBody(k, v, c.get("body")), v, true));
          break;
        }
        case "response": {
          int k = c.get("apiKey").asInt(); short v = (short) c.get("version").asInt();
          ApiKeys api = ApiKeys.forId(k);
          ResponseHeaderData h = new ResponseHeaderData().setCorrelationId(c.get("correlationId").asInt());
          r.put("hex", serialize(h, api.responseHeaderVersion(v), responseBody(k, v, c.get("body")), v, false));
          break;
        }
        default: throw new IllegalArgumentException(op);
      }
      out.add(r);
    }
    System.out.println(om.writeValueAsString(out));
  }
}
`;

function runJava(cases: object[]): Record<string, unknown>[] {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-kafka-vectors-"));
  try {
    writeFileSync(join(dir, "KafkaVectors.java"), JAVA_SOURCE);
    const out = execFileSync("java", ["-cp", `${libs}/*`, join(dir, "KafkaVectors.java")], {
      input: JSON.stringify(cases),
      maxBuffer: 50_000_000,
    });
    return JSON.parse(out.toString()) as Record<string, unknown>[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const hexOf = (s: string): string => Buffer.from(s, "utf8").toString("hex");
const buf = (hex: string | null | undefined): Buffer | null => (hex == null ? null : Buffer.from(hex, "hex"));

function check(what: string, ours: unknown, theirs: unknown): void {
  if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
    throw new Error(`${what}: Java says ${JSON.stringify(ours)}, the other source ${JSON.stringify(theirs)}`);
  }
}

function writeVectors(name: string, description: string, fn: string, cases: object[]): void {
  const file = join(REPO_ROOT, "tests/vectors", name);
  writeFileSync(file, JSON.stringify({ description, function: fn, cases }, null, 2) + "\n");
  console.log(`wrote ${name}: ${cases.length} cases`);
}

const libs = await kafkaLibs(KAFKA_VERSION);

// ---------------------------------------------------------------------------------------
// murmur2 and partitions

/** Kafka's UtilsTest.testMurmur2 (documented Java outputs). */
const UTILS_TEST: [string, number][] = [
  ["21", -973932308],
  ["foobar", -790332482],
  ["a-little-bit-long-string", -985981536],
  ["a-little-bit-longer-string", -1486304829],
  ["lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8", -58897971],
  ["abc", 479470107],
  ["", 275646681],
];
const murmurKeys: { name: string; hex: string; text?: string }[] = [
  ...UTILS_TEST.map(([text]) => ({ name: `UtilsTest "${text}"`, hex: hexOf(text), text })),
  ...["a", "ab", "abcd", "abcde", "abcdef", "abcdefg", "abcdefgh"].map((text) => ({ name: `length ${text.length}`, hex: hexOf(text), text })),
  { name: "consumer id", hex: hexOf("consumer-42"), text: "consumer-42" },
  { name: "uuid", hex: hexOf("0f8fad5b-d9cb-469f-a165-70867728950e"), text: "0f8fad5b-d9cb-469f-a165-70867728950e" },
  { name: "UTF-8 text", hex: hexOf("café-ünïcode-€-😀"), text: "café-ünïcode-€-😀" },
  { name: "high bytes (negative in Java)", hex: "ff80807f00fe" },
  { name: "all 0xff", hex: "ffffffffffffffff" },
  { name: "binary 7 bytes", hex: "00010203fdfeff" },
];
const partitionCounts = [1, 2, 3, 6, 10, 12, 100, 1000];
const murmurJava = runJava(murmurKeys.map((k) => ({ op: "murmur2", key: k.hex, partitionCounts })));
const murmurCases: object[] = [];
const partitionCases: object[] = [];
murmurKeys.forEach((k, i) => {
  const java = murmurJava[i] as { murmur2: number; partitions: number[] };
  check(`murmur2 kafkajs ${k.name}`, java.murmur2, kjsMurmur2(Buffer.from(k.hex, "hex")));
  const documented = UTILS_TEST.find(([text]) => text === k.text);
  if (documented !== undefined) check(`murmur2 UtilsTest ${k.name}`, java.murmur2, documented[1]);
  murmurCases.push({ name: k.name, args: [k.hex], expect: java.murmur2 });
  if (k.text !== undefined && /[^\x00-\x7f]/.test(k.text)) {
    murmurCases.push({ name: `${k.name}, given as text (UTF-8 encoded by the runtime)`, function: "io/kafka/hex-api#murmur2Text", args: [k.text], expect: java.murmur2 });
  }
  partitionCases.push({ name: `${k.name} over ${partitionCounts.join(", ")} partitions`, function: "io/kafka/hex-api#partitionsHex", args: [k.hex, partitionCounts], expect: java.partitions });
});
writeVectors(
  "kafka-murmur2.json",
  "Kafka's murmur2 key hash and the Java client's partition for a key; expected values from the Java client (kafka-clients 3.9.2 Utils.murmur2 and BuiltInPartitioner.partitionForKey, run by tests/runtime/kafka-vectors.ts), checked there against kafkajs 2.2.4's murmur2 and the outputs documented in Kafka's UtilsTest.testMurmur2",
  "io/kafka/hex-api#murmur2Hex",
  [...murmurCases, ...partitionCases],
);

// ---------------------------------------------------------------------------------------
// CRC-32C

const crcInputs: { name: string; hex: string }[] = [
  { name: "check value '123456789' (0xE3069283)", hex: hexOf("123456789") },
  { name: "empty", hex: "" },
  { name: "one zero byte", hex: "00" },
  { name: "32 zero bytes (RFC 3720 B.4: 0x8A9136AA)", hex: "00".repeat(32) },
  { name: "32 0xff bytes (RFC 3720 B.4: 0x62A8AB43)", hex: "ff".repeat(32) },
  { name: "32 ascending bytes (RFC 3720 B.4: 0x46DD794E)", hex: Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("hex") },
  { name: "text", hex: hexOf("The quick brown fox jumps over the lazy dog") },
  { name: "all byte values", hex: Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString("hex") },
];
const crcJava = runJava(crcInputs.map((c) => ({ op: "crc32c", data: c.hex })));
const rfc3720: Record<number, number> = { 3: 0x8a9136aa, 4: 0x62a8ab43, 5: 0x46dd794e, 0: 0xe3069283 };
writeVectors(
  "kafka-crc32c.json",
  "CRC-32C (Castagnoli) of byte strings (hex); expected values from the Java client's org.apache.kafka.common.utils.Crc32C (kafka-clients 3.9.2), checked against kafkajs 2.2.4's crc32C and the RFC 3720 B.4 / '123456789' check values",
  "io/kafka/hex-api#crc32cHex",
  crcInputs.map((c, i) => {
    const java = (crcJava[i] as { crc: number }).crc;
    check(`crc32c kafkajs ${c.name}`, java, kjsCrc32C(Buffer.from(c.hex, "hex")));
    if (rfc3720[i] !== undefined) check(`crc32c reference ${c.name}`, java, rfc3720[i]);
    return { name: c.name, args: [c.hex], expect: java };
  }),
);

// ---------------------------------------------------------------------------------------
// varints and 64-bit integers

const varintValues = [0, 1, -1, 2, -2, 63, -64, 64, -65, 127, 128, 300, -300, 8191, 8192, 2147483647, -2147483648];
const varlongValues = [0, -1, 1700000000000, -1700000000000, 4102444800000, 2 ** 35 + 1, -(2 ** 35), 2 ** 52 - 1, -(2 ** 52)];
const uvarintValues = [0, 1, 127, 128, 255, 300, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 4294967295, 2 ** 52];
const int64Values = [0, 1, -1, 255, 4294967295, 4294967296, -4294967296, 1700000000000, 2 ** 53 - 1, -(2 ** 53 - 1), 4711 * 2 ** 32 + 99];
const numberJava = runJava([
  ...varintValues.map((n) => ({ op: "varint", n })),
  ...varlongValues.map((n) => ({ op: "varlong", n })),
  ...uvarintValues.map((n) => ({ op: "uvarint", n })),
  ...int64Values.map((n) => ({ op: "int64", n })),
]);
const numberHex = numberJava.map((r) => (r as { hex: string }).hex);
const numberCases: object[] = [];
let at = 0;
for (const n of varintValues) {
  const hex = numberHex[at++] as string;
  check(`varint kafkajs ${n}`, hex, new KjsEncoder().writeVarInt(n).buffer.toString("hex"));
  numberCases.push({ name: `varint ${n}`, args: [n], expect: hex });
  numberCases.push({ name: `read varint ${hex}`, function: "io/kafka/hex-api#readVarintHex", args: [hex, true], expect: n });
}
for (const n of varlongValues) {
  const hex = numberHex[at++] as string;
  check(`varlong kafkajs ${n}`, hex, new KjsEncoder().writeVarLong(n).buffer.toString("hex"));
  numberCases.push({ name: `varlong ${n}`, args: [n], expect: hex });
  numberCases.push({ name: `read varlong ${hex}`, function: "io/kafka/hex-api#readVarintHex", args: [hex, true], expect: n });
}
for (const n of uvarintValues) {
  const hex = numberHex[at++] as string;
  if (n <= 2 ** 31) check(`uvarint kafkajs ${n}`, hex, new KjsEncoder().writeUVarInt(n).buffer.toString("hex"));
  numberCases.push({ name: `unsigned varint ${n}`, function: "io/kafka/hex-api#uvarintHex", args: [n], expect: hex });
  numberCases.push({ name: `read unsigned varint ${hex}`, function: "io/kafka/hex-api#readVarintHex", args: [hex, false], expect: n });
}
for (const n of int64Values) {
  const hex = numberHex[at++] as string;
  check(`int64 kafkajs ${n}`, hex, new KjsEncoder().writeInt64(n).buffer.toString("hex"));
  numberCases.push({ name: `int64 ${n}`, function: "io/kafka/hex-api#int64Hex", args: [n], expect: hex });
}
writeVectors(
  "kafka-varint.json",
  "Zig-zag varints and varlongs, unsigned varints and int64 (two 32-bit halves), as hex; expected bytes from the Java client's ByteUtils.writeVarint / writeVarlong / writeUnsignedVarlong and ByteBuffer.putLong (kafka-clients 3.9.2), checked against kafkajs 2.2.4's Encoder",
  "io/kafka/hex-api#varintHex",
  numberCases,
);

// ---------------------------------------------------------------------------------------
// RecordBatch v2

interface HexRecord {
  timestamp: number;
  key?: string | null;
  value?: string | null;
  headers?: { key: string; value?: string | null }[];
}
interface HexBatch {
  records: HexRecord[];
  producerId?: number;
  producerEpoch?: number;
  baseSequence?: number;
  transactional?: boolean;
}

const event = JSON.stringify({ specversion: "1.0", id: "4f1c2a", source: "tollgate/node-1", type: "api.request", subject: "consumer-42" });
const batches: { name: string; batch: HexBatch }[] = [
  { name: "one record, key and value", batch: { records: [{ timestamp: 1700000000000, key: hexOf("consumer-42"), value: hexOf("hello") }] } },
  {
    name: "three records: null key, empty value, header with a null value, UTF-8",
    batch: {
      records: [
        { timestamp: 1700000000000, key: null, value: hexOf("first") },
        { timestamp: 1700000000005, key: hexOf("k"), value: "", headers: [{ key: hexOf("trace"), value: null }] },
        { timestamp: 1700000000007, key: hexOf("ключ"), value: hexOf("значение €"), headers: [{ key: hexOf("a"), value: hexOf("1") }, { key: hexOf("a"), value: hexOf("2") }] },
      ],
    },
  },
  {
    name: "idempotent: producer id, epoch and base sequence",
    batch: {
      producerId: 4711,
      producerEpoch: 3,
      baseSequence: 42,
      records: [
        { timestamp: 1700000000000, key: hexOf("consumer-1"), value: hexOf(event) },
        { timestamp: 1700000000001, key: hexOf("consumer-2"), value: hexOf(event) },
      ],
    },
  },
  {
    name: "producer id above 2^32, timestamps in 2100, transactional bit",
    batch: {
      producerId: 2 ** 40 + 5,
      producerEpoch: 0,
      baseSequence: 2147483000,
      transactional: true,
      records: [{ timestamp: 4102444800000, key: hexOf("x"), value: hexOf("y") }],
    },
  },
  {
    name: "timestamps out of order: negative delta, max is not the last",
    batch: {
      records: [
        { timestamp: 1700000001000, key: hexOf("a"), value: hexOf("1") },
        { timestamp: 1700000000000, key: hexOf("b"), value: hexOf("2") },
        { timestamp: 1700000005000, key: hexOf("c"), value: hexOf("3") },
        { timestamp: 1700000002000, key: hexOf("d"), value: hexOf("4") },
      ],
    },
  },
  {
    name: "a 1000-byte value and 40 records (multi-byte varint lengths and deltas)",
    batch: {
      records: Array.from({ length: 40 }, (_, i) => ({
        timestamp: 1700000000000 + i * 977,
        key: hexOf(`consumer-${i}`),
        value: i === 0 ? "ab".repeat(1000) : hexOf(`v${i}`),
        headers: i % 7 === 0 ? [{ key: hexOf("ce_type"), value: hexOf("api.request") }] : [],
      })),
    },
  },
];
const batchJava = runJava(batches.map((b) => ({ op: "batch", batch: b.batch })));
const batchCases: object[] = [];
const decodeCases: object[] = [];
for (const [i, b] of batches.entries()) {
  const hex = (batchJava[i] as { hex: string }).hex;
  // kafkajs covers batches whose header keys are unique and values non-null.
  const kjsCovers = b.batch.records.every((r) => {
    const keys = (r.headers ?? []).map((h) => h.key);
    return new Set(keys).size === keys.length && (r.headers ?? []).every((h) => h.value != null);
  });
  if (kjsCovers) {
    const base = (b.batch.records[0] as HexRecord).timestamp;
    const encoded = await kjsRecordBatch({
      firstTimestamp: base,
      maxTimestamp: Math.max(...b.batch.records.map((r) => r.timestamp)),
      partitionLeaderEpoch: -1,
      lastOffsetDelta: b.batch.records.length - 1,
      transactional: b.batch.transactional ?? false,
      producerId: b.batch.producerId ?? -1,
      producerEpoch: b.batch.producerEpoch ?? -1,
      firstSequence: b.batch.baseSequence ?? -1,
      records: b.batch.records.map((r, offsetDelta) =>
        kjsRecord({
          offsetDelta,
          timestampDelta: r.timestamp - base,
          key: buf(r.key),
          value: buf(r.value),
          headers: Object.fromEntries((r.headers ?? []).map((h) => [Buffer.from(h.key, "hex").toString("utf8"), buf(h.value) as Buffer])),
        }),
      ),
    });
    check(`record batch kafkajs ${b.name}`, hex, encoded.buffer.toString("hex"));
  }
  batchCases.push({ name: `${b.name}${kjsCovers ? " (Java and kafkajs agree)" : ""}`, args: [b.batch], expect: hex });
  const records = b.batch.records;
  decodeCases.push({
    name: `decode: ${b.name}`,
    function: "io/kafka/hex-api#decodeRecordBatchHex",
    args: [hex],
    expect: {
      baseOffset: 0,
      partitionLeaderEpoch: -1,
      magic: 2,
      crc: Buffer.from(hex, "hex").readUInt32BE(17),
      crcValid: true,
      attributes: b.batch.transactional === true ? 16 : 0,
      lastOffsetDelta: records.length - 1,
      baseTimestamp: (records[0] as HexRecord).timestamp,
      maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
      producerId: b.batch.producerId ?? -1,
      producerEpoch: b.batch.producerEpoch ?? -1,
      baseSequence: b.batch.baseSequence ?? -1,
      records: records.map((r, offset) => ({
        offset,
        timestamp: r.timestamp,
        key: r.key ?? null,
        value: r.value ?? null,
        headers: (r.headers ?? []).map((h) => ({ key: h.key, value: h.value ?? null })),
      })),
    },
  });
}
// A corrupted CRC field: decoded all the same, with crcValid false.
const intact = decodeCases[0] as { args: [string]; expect: { crc: number } };
const badCrc = (intact.expect.crc ^ 0x01000000) >>> 0;
decodeCases.push({
  name: "decode: a batch whose CRC does not match its bytes",
  function: "io/kafka/hex-api#decodeRecordBatchHex",
  args: [intact.args[0].slice(0, 34) + badCrc.toString(16).padStart(8, "0") + intact.args[0].slice(42)],
  expect: { ...intact.expect, crc: badCrc, crcValid: false },
});
writeVectors(
  "kafka-record-batch.json",
  "RecordBatch v2 (magic 2, uncompressed, CreateTime) encoding and decoding, byte strings as hex; expected bytes from the Java client's MemoryRecordsBuilder (kafka-clients 3.9.2, as its producer builds batches: base offset 0, partition leader epoch -1), checked against kafkajs 2.2.4's RecordBatch and Record encoders where they apply",
  "io/kafka/hex-api#recordBatchHex",
  [...batchCases, ...decodeCases],
);

// ---------------------------------------------------------------------------------------
// Requests and responses

const requests: { name: string; spec: object }[] = [];
for (const version of [0, 1, 2, 3]) {
  requests.push({ name: `ApiVersions v${version}`, spec: { apiKey: 18, version, correlationId: version + 1, clientId: "tollgate", body: { softwareName: "tollgate-kafka-usage", softwareVersion: "0.1.0" } } });
}
requests.push({ name: "ApiVersions v0, null client id", spec: { apiKey: 18, version: 0, correlationId: 2147483647, clientId: null, body: {} } });
requests.push({ name: "Metadata v8, two topics", spec: { apiKey: 3, version: 8, correlationId: 7, clientId: "tollgate", body: { topics: ["usage-events", "usage.audit"], allowAutoTopicCreation: false } } });
requests.push({ name: "Metadata v8, no topic", spec: { apiKey: 3, version: 8, correlationId: 8, clientId: "tollgate", body: { topics: [], allowAutoTopicCreation: false } } });
requests.push({ name: "Metadata v8, auto-creation allowed, UTF-8 client id", spec: { apiKey: 3, version: 8, correlationId: 9, clientId: "tollgate-ü", body: { topics: ["t"], allowAutoTopicCreation: true } } });
for (const version of [0, 1]) {
  requests.push({ name: `InitProducerId v${version}, idempotent (no transactional id)`, spec: { apiKey: 22, version, correlationId: 11, clientId: "tollgate", body: { transactionalId: null, transactionTimeoutMs: 60000 } } });
}
requests.push({ name: "SaslHandshake v1, PLAIN", spec: { apiKey: 17, version: 1, correlationId: 12, clientId: "tollgate", body: { mechanism: "PLAIN" } } });
// SASL PLAIN's message (RFC 4616), built here with Node's Buffer, not tollgate's code.
const plainMessage = Buffer.concat([Buffer.from([0]), Buffer.from("alice", "utf8"), Buffer.from([0]), Buffer.from("s3cret-ü", "utf8")]).toString("hex");
for (const version of [0, 1]) {
  requests.push({ name: `SaslAuthenticate v${version}, a PLAIN message`, spec: { apiKey: 36, version, correlationId: 13, clientId: "tollgate", body: { authBytes: plainMessage } } });
}
const produceTopics = [
  {
    topic: "usage-events",
    partitions: [
      { partition: 0, batch: batches[0]?.batch },
      { partition: 5, batch: batches[2]?.batch },
    ],
  },
  { topic: "usage.audit", partitions: [{ partition: 1, batch: batches[1]?.batch }] },
];
for (const version of [3, 5, 7, 8]) {
  requests.push({ name: `Produce v${version}, acks -1, two topics, three batches`, spec: { apiKey: 0, version, correlationId: 100 + version, clientId: "tollgate", body: { transactionalId: null, acks: -1, timeoutMs: 30000, topics: produceTopics } } });
}
requests.push({ name: "Produce v8, acks 1, one batch", spec: { apiKey: 0, version: 8, correlationId: 200, clientId: "tollgate", body: { transactionalId: null, acks: 1, timeoutMs: 1500, topics: [{ topic: "t", partitions: [{ partition: 2, batch: batches[3]?.batch }] }] } } });
const requestJava = runJava(requests.map((r) => ({ op: "request", ...r.spec })));
writeVectors(
  "kafka-requests.json",
  "Framed Kafka requests (size, header v1/v2, body) as hex: ApiVersions v0-v3, Metadata v8, InitProducerId v0-v1, Produce v3-v8 with RecordBatch v2, SaslHandshake v1, SaslAuthenticate v0-v1; expected bytes from the Java client's generated message classes (RequestHeaderData, *RequestData of kafka-clients 3.9.2, records by MemoryRecordsBuilder) serialized by tests/runtime/kafka-vectors.ts; and SASL PLAIN's message (RFC 4616) built with Node's Buffer",
  "io/kafka/hex-api#requestHex",
  [
    ...requests.map((r, i) => ({ name: r.name, args: [r.spec], expect: (requestJava[i] as { hex: string }).hex })),
    { function: "io/kafka/hex-api#saslPlainHex", name: "SASL PLAIN message: NUL, user, NUL, password (UTF-8)", args: ["alice", "s3cret-ü"], expect: plainMessage },
  ],
);

interface ResponseCase {
  name: string;
  apiKey: number;
  version: number;
  correlationId: number;
  body: Record<string, unknown>;
  /** The decoded body, when it differs from `body` (fields absent from older versions). */
  expect?: Record<string, unknown>;
}
const apis = [
  { apiKey: 0, min: 3, max: 11 },
  { apiKey: 3, min: 0, max: 12 },
  { apiKey: 18, min: 0, max: 4 },
  { apiKey: 22, min: 0, max: 5 },
];
const partitionMeta = (partition: number, leaderId: number) => ({ errorCode: 0, partition, leaderId, leaderEpoch: 4, replicas: [leaderId, 2], isr: [leaderId], offlineReplicas: [] as number[] });
const responses: ResponseCase[] = [
  ...[0, 1, 2, 3].map((version) => ({
    name: `ApiVersions v${version}`,
    apiKey: 18,
    version,
    correlationId: 1,
    body: { errorCode: 0, apis, throttleTimeMs: version >= 1 ? 25 : 0 },
  })),
  { name: "ApiVersions v3 with finalized features (a tagged field, skipped)", apiKey: 18, version: 3, correlationId: 2, body: { errorCode: 0, apis, throttleTimeMs: 0, finalizedFeaturesEpoch: 77 }, expect: { errorCode: 0, apis, throttleTimeMs: 0 } },
  { name: "ApiVersions v0 UNSUPPORTED_VERSION (what a broker answers to a version it does not know)", apiKey: 18, version: 0, correlationId: 3, body: { errorCode: 35, apis: [{ apiKey: 18, min: 0, max: 4 }], throttleTimeMs: 0 } },
  {
    name: "Metadata v8: two brokers (one with a rack), a topic of three partitions, an unknown topic",
    apiKey: 3,
    version: 8,
    correlationId: 7,
    body: {
      throttleTimeMs: 0,
      brokers: [
        { nodeId: 1, host: "127.0.0.1", port: 9092 },
        { nodeId: 2, host: "kafka-2.internal", port: 19093, rack: "eu-west-1b" },
      ],
      clusterId: "FsLgupz6_EyYY7m98OuGWA",
      controllerId: 1,
      topics: [
        { errorCode: 0, name: "usage-events", isInternal: false, partitions: [partitionMeta(0, 1), partitionMeta(1, 2), partitionMeta(2, 1)] },
        { errorCode: 3, name: "missing", isInternal: false, partitions: [] },
      ],
    },
  },
  {
    name: "Metadata v8: a partition without a leader (LEADER_NOT_AVAILABLE), no cluster id",
    apiKey: 3,
    version: 8,
    correlationId: 8,
    body: {
      throttleTimeMs: 10,
      brokers: [{ nodeId: 1, host: "127.0.0.1", port: 9092 }],
      controllerId: -1,
      topics: [{ errorCode: 0, name: "t", isInternal: false, partitions: [{ errorCode: 5, partition: 0, leaderId: -1, leaderEpoch: -1, replicas: [1], isr: [], offlineReplicas: [1] }] }],
    },
  },
  { name: "InitProducerId v1", apiKey: 22, version: 1, correlationId: 11, body: { throttleTimeMs: 0, errorCode: 0, producerId: 2 ** 40 + 5, producerEpoch: 3 } },
  { name: "InitProducerId v0, COORDINATOR_LOAD_IN_PROGRESS", apiKey: 22, version: 0, correlationId: 12, body: { throttleTimeMs: 0, errorCode: 14, producerId: -1, producerEpoch: -1 } },
  { name: "SaslHandshake v1: the listener enables PLAIN", apiKey: 17, version: 1, correlationId: 12, body: { errorCode: 0, mechanisms: ["PLAIN", "SCRAM-SHA-256"] } },
  { name: "SaslHandshake v1: UNSUPPORTED_SASL_MECHANISM", apiKey: 17, version: 1, correlationId: 12, body: { errorCode: 33, mechanisms: ["SCRAM-SHA-512"] } },
  { name: "SaslAuthenticate v0: authenticated", apiKey: 36, version: 0, correlationId: 13, body: { errorCode: 0, errorMessage: null, authBytes: "", sessionLifetimeMs: 0 } },
  { name: "SaslAuthenticate v1: authenticated for an hour", apiKey: 36, version: 1, correlationId: 13, body: { errorCode: 0, errorMessage: null, authBytes: "", sessionLifetimeMs: 3600000 } },
  {
    name: "SaslAuthenticate v1: a SCRAM server-first message",
    apiKey: 36,
    version: 1,
    correlationId: 14,
    body: { errorCode: 0, errorMessage: null, authBytes: Buffer.from("r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096").toString("hex"), sessionLifetimeMs: 0 },
  },
  { name: "SaslAuthenticate v1: SASL_AUTHENTICATION_FAILED with the broker's reason", apiKey: 36, version: 1, correlationId: 13, body: { errorCode: 58, errorMessage: "Authentication failed: Invalid username or password", authBytes: "", sessionLifetimeMs: 0 } },
];
const produceResponse = (version: number) => ({
  topics: [
    {
      topic: "usage-events",
      partitions: [
        { partition: 0, errorCode: 0, baseOffset: 1234567890123, logAppendTimeMs: -1, logStartOffset: 17, recordErrors: [] as object[] },
        { partition: 5, errorCode: 6, baseOffset: -1, logAppendTimeMs: -1, logStartOffset: -1, recordErrors: [] as object[], ...(version >= 8 ? { errorMessage: "This server is not the leader for that topic-partition." } : {}) },
      ],
    },
    {
      topic: "usage.audit",
      partitions: [
        {
          partition: 1,
          errorCode: 87,
          baseOffset: -1,
          logAppendTimeMs: 1700000000123,
          logStartOffset: 0,
          recordErrors: version >= 8 ? [{ batchIndex: 2, message: "bad record" }, { batchIndex: 3 }] : [],
          ...(version >= 8 ? { errorMessage: "invalid record" } : {}),
        },
      ],
    },
  ],
  throttleTimeMs: 5,
});
for (const version of [3, 5, 7, 8]) {
  const body = produceResponse(version);
  // Before v5 there is no log start offset on the wire: the decoder says -1.
  const expect = version >= 5 ? body : { ...body, topics: body.topics.map((t) => ({ ...t, partitions: t.partitions.map((p) => ({ ...p, logStartOffset: -1 })) })) };
  responses.push({ name: `Produce v${version}: success, NOT_LEADER_OR_FOLLOWER, INVALID_RECORD`, apiKey: 0, version, correlationId: 100 + version, body, expect });
}
const responseJava = runJava(responses.map((r) => ({ op: "response", apiKey: r.apiKey, version: r.version, correlationId: r.correlationId, body: r.body })));
writeVectors(
  "kafka-responses.json",
  "Kafka responses (without the size prefix, hex) decoded: ApiVersions v0-v3, Metadata v8, InitProducerId v0-v1, Produce v3-v8, SaslHandshake v1, SaslAuthenticate v0-v1; the bytes are the Java client's generated message classes (ResponseHeaderData, *ResponseData of kafka-clients 3.9.2) serializing the expected values, by tests/runtime/kafka-vectors.ts",
  "io/kafka/hex-api#decodeResponseHex",
  responses.map((r, i) => ({
    name: r.name,
    args: [r.apiKey, r.version, (responseJava[i] as { hex: string }).hex],
    expect: { correlationId: r.correlationId, body: r.expect ?? r.body },
  })),
);
