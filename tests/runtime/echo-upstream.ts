/**
 * The upstream every gateway test proxies to: an nginx that answers any request
 * with 200 and a JSON report of what it received (method, URI, headers), so a
 * test can see exactly which headers the gateway forwarded. A request header
 * `X-Echo-Respond-With: <Name>: <value>` makes it answer with that header too (for
 * tests of how a gateway merges its own response headers with the upstream's).
 *
 * Test and playground infrastructure only.
 */
import { freePort, startNginx, type NginxInstance } from "./nginx.ts";

export interface EchoUpstream {
  port: number;
  url: string;
  nginx: NginxInstance;
  stop(): Promise<void>;
}

/** What the echo upstream answers with. */
export interface EchoReport {
  method: string;
  uri: string;
  headers: Record<string, string | string[]>;
}

export async function startEchoUpstream(workers = 1): Promise<EchoUpstream> {
  const port = await freePort();
  const nginx = await startNginx({
    name: "echo",
    workers,
    waitForPorts: [port],
    httpBlock: `
  lua_package_path ";;";
  server {
    listen 127.0.0.1:${port} reuseport backlog=4096;
    location / {
      default_type application/json;
      content_by_lua_block {
        local cjson = require("cjson.safe")
        local respond_with = ngx.var.http_x_echo_respond_with
        if respond_with then
          local name, value = respond_with:match("^([^:]+):%s*(.*)$")
          if name then ngx.header[name] = value end
        end
        ngx.say(cjson.encode({
          method = ngx.req.get_method(),
          uri = ngx.var.request_uri,
          headers = ngx.req.get_headers(100),
        }))
      }
    }
  }`,
  });
  return { port, url: `http://127.0.0.1:${port}`, nginx, stop: () => nginx.stop() };
}
