/**
 * CPU time used by processes, from /proc (Linux): what `make bench` reports per request
 * next to throughput, because on a 2-core machine shared by wrk, the gateway, the
 * upstream and a broker, requests per second also move with what the others take.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ; 100 on Linux). */
const TICKS_PER_SECOND = 100;

interface ProcessTimes {
  pid: number;
  processGroup: number;
  /** utime + stime, seconds. */
  seconds: number;
}

function readTimes(pid: string): ProcessTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined; // exited meanwhile
  }
  // Fields after "(comm)", which may itself hold spaces: state ppid pgrp … utime(14) stime(15).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return { pid: Number(pid), processGroup: Number(fields[2]), seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
}

/** CPU seconds used so far by one process (0 when it is gone). */
export function processCpuSeconds(pid: number): number {
  return readTimes(String(pid))?.seconds ?? 0;
}

/** CPU seconds used so far by the live processes of a process group (an nginx master and its workers). */
export function groupCpuSeconds(processGroup: number): number {
  let total = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const times = readTimes(entry);
    if (times !== undefined && times.processGroup === processGroup) total += times.seconds;
  }
  return total;
}
