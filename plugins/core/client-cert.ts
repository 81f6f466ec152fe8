/**
 * Config fields of a client certificate (mutual TLS) for the stores tollgate connects to
 * (tier-limit's Redis, kafka-usage's Kafka): PEM text in the plugin config, as managed
 * services hand them out (Aiven's Kafka access certificate, a Redis with
 * tls-auth-clients). Both or neither.
 */
import { string } from "./schema";

export const CLIENT_CERT_FIELDS = {
  client_cert: string({
    description: "With TLS: the client certificate (PEM, the chain after it if any) presented to a server that asks for one (mutual TLS).",
    minLength: 1,
    referenceable: true,
  }),
  client_key: string({ description: "With TLS: the client certificate's private key (PEM, unencrypted).", minLength: 1, referenceable: true }),
};

/** A client certificate (its chain) and its private key, PEM. */
export interface ClientCertificate {
  cert: string;
  key: string;
}

/** The client certificate a config's fields name, or undefined when they name none. */
export function clientCertificate(conf: { client_cert?: string; client_key?: string }): ClientCertificate | undefined {
  return conf.client_cert !== undefined && conf.client_key !== undefined ? { cert: conf.client_cert, key: conf.client_key } : undefined;
}

/** The problem with a record's client certificate fields (one without the other), or undefined. */
export function clientCertProblem(value: { [field: string]: unknown }): string | undefined {
  const cert = value["client_cert"] !== undefined;
  const key = value["client_key"] !== undefined;
  if (cert && !key) return "client_key: required with client_cert";
  if (key && !cert) return "client_cert: required with client_key";
  return undefined;
}
