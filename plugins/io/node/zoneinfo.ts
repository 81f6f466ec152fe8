/**
 * Node reads zone files with fs (latin1: one character per byte, as core/tzif.ts reads
 * them). Importing this module installs the reader; kong-pdk hosts and the tests do.
 */
import { readFileSync } from "node:fs";
import { installZoneReader } from "../zoneinfo";

installZoneReader((path) => {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return undefined;
  }
});
