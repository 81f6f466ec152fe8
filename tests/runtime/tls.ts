/**
 * TLS for the test runtime: a throwaway certificate authority and server certificates
 * made with the openssl CLI, and the trusted-CA file the test gateways give nginx.
 *
 * The gateways trust what Kong 3.x and APISIX 3.x trust by default ("system": the
 * distribution's CA bundle), plus the CAs a test names, as an operator adds theirs to
 * Kong's lua_ssl_trusted_certificate or APISIX's apisix.ssl.ssl_trusted_certificate.
 *
 * Test infrastructure only.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's bundle of the system's trusted CAs (package ca-certificates). */
const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/** The file under the nginx prefix's conf/ that holds the CAs the gateway trusts. */
const TRUSTED_CA_FILE = "trusted-cas.pem";

export interface ServerCertificate {
  cert: string;
  key: string;
}

export interface TestPki {
  /** PEM of the test CA (give it to a gateway to trust it). */
  caFile: string;
  /** Signed by the test CA, for DNS:localhost and IP:127.0.0.1 (server and client use: Redis Cluster nodes present it to each other). */
  server: ServerCertificate;
  /** Self-signed, for DNS:localhost and IP:127.0.0.1: no gateway trusts it. */
  untrusted: ServerCertificate;
  /** Removes the files. */
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
}

const SAN = "subjectAltName=DNS:localhost,IP:127.0.0.1";

/** A fresh CA and two server certificates (one signed by it, one not), valid for a day. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), "tollgate-pki-"));
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(["req", "-x509", ...ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "1", "-subj", "/CN=tollgate test CA",
    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"], dir);
  openssl(["req", ...ec, "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost"], dir);
  writeFileSync(join(dir, "server.ext"), `${SAN}\nextendedKeyUsage=serverAuth,clientAuth\n`);
  openssl(["x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-out", "server.pem", "-days", "1", "-extfile", "server.ext"], dir);
  openssl(["req", "-x509", ...ec, "-keyout", "untrusted.key", "-out", "untrusted.pem", "-days", "1", "-subj", "/CN=localhost", "-addext", SAN], dir);
  const read = (name: string): string => readFileSync(join(dir, name), "utf8");
  return {
    caFile: join(dir, "ca.pem"),
    server: { cert: read("server.pem"), key: read("server.key") },
    untrusted: { cert: read("untrusted.pem"), key: read("untrusted.key") },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The prefix file and http-block directives that make a test gateway trust the system's
 * CAs plus `extraCaFiles`; no directive when there is nothing to trust (nginx refuses an
 * empty file).
 */
export function trustedCas(extraCaFiles: readonly string[] = []): { files: Record<string, string>; directives: string } {
  const pems = [...(existsSync(SYSTEM_CA_BUNDLE) ? [SYSTEM_CA_BUNDLE] : []), ...extraCaFiles].map((file) => readFileSync(file, "utf8"));
  if (pems.length === 0) return { files: {}, directives: "" };
  return {
    files: { [`conf/${TRUSTED_CA_FILE}`]: pems.join("\n") },
    // A relative path is relative to nginx's conf/ directory.
    directives: `  lua_ssl_trusted_certificate ${TRUSTED_CA_FILE};\n  lua_ssl_verify_depth 5;\n`,
  };
}
