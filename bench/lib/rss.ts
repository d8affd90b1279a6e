import fs from "node:fs";
import { Worker } from "node:worker_threads";

/** Resident set size of a process in bytes, from /proc/<pid>/status (VmRSS), or NaN if gone. */
export function readRss(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** Sampling interval of the RSS sampler (the brief: every 50 ms). */
export const RSS_SAMPLE_MS = 50;

export interface RssPeak {
  /** Peak of the processes' summed RSS (sampled together, so one sample is one moment). */
  peak: number;
  samples: number;
  /** The summed RSS at the last sample. */
  last: number;
  /** Each process's own peak, in the order given (they need not peak at the same moment). */
  peaks: number[];
}

export interface RssSampler {
  /** Stops sampling; resolves with the peak and the number of samples taken. */
  stop(): Promise<RssPeak>;
}

/**
 * Samples the summed RSS of some processes (the app server and its terminal host) every 50 ms
 * on a worker thread, so a busy bench event loop (ten viewers receiving a flood) cannot delay the
 * samples and miss a peak.
 */
export function sampleRss(pids: readonly number[], intervalMs = RSS_SAMPLE_MS): RssSampler {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const fs = require("node:fs");
    const peaks = workerData.pids.map(() => 0);
    let peak = 0, samples = 0, last = 0;
    const read = () => {
      let sum = 0, complete = true;
      workerData.pids.forEach((pid, i) => {
        try {
          const m = /^VmRSS:\\s+(\\d+)\\s+kB/m.exec(fs.readFileSync("/proc/" + pid + "/status", "utf8"));
          if (!m) { complete = false; return; }
          const rss = Number(m[1]) * 1024;
          peaks[i] = Math.max(peaks[i], rss);
          sum += rss;
        } catch { complete = false; }
      });
      // A process gone (or not yet readable) would make the sum a false low: skip that moment.
      if (complete) { last = sum; peak = Math.max(peak, sum); samples++; }
    };
    read();
    const timer = setInterval(read, workerData.intervalMs);
    parentPort.on("message", () => { clearInterval(timer); read(); parentPort.postMessage({ peak, samples, last, peaks }); });
  `;
  const worker = new Worker(code, { eval: true, workerData: { pids: [...pids], intervalMs } });
  return {
    stop() {
      return new Promise((resolve, reject) => {
        worker.once("message", (result: RssPeak) => {
          void worker.terminate();
          resolve(result);
        });
        worker.once("error", reject);
        worker.postMessage("stop");
      });
    },
  };
}

/** Summed RSS of some processes and each one's own, in bytes (NaN in the sum if one is gone). */
export function readRssOf(pids: readonly number[]): { total: number; each: number[] } {
  const each = pids.map(readRss);
  return { total: each.reduce((a, b) => a + b, 0), each };
}

/** Summed CPU time of some processes and each one's own, in ms (NaN in the sum if one is gone). */
export function readCpuMsOf(pids: readonly number[]): { total: number; each: number[] } {
  const each = pids.map(readCpuMs);
  return { total: each.reduce((a, b) => a + b, 0), each };
}

/** CPU time (user + system) a process has used so far, in ms, from /proc/<pid>/stat; NaN if gone. */
export function readCpuMs(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may contain spaces) start after the last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

/** USER_HZ on Linux (getconf CLK_TCK); 100 on every common configuration. */
const CLOCK_TICKS_PER_SECOND = 100;
