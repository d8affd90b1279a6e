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

export interface RssSampler {
  /** Stops sampling; resolves with the peak and the number of samples taken. */
  stop(): Promise<{ peak: number; samples: number; last: number }>;
}

/**
 * Samples a process's RSS every 50 ms on a worker thread, so a busy bench event loop (ten
 * viewers receiving a flood) cannot delay the samples and miss a peak.
 */
export function sampleRss(pid: number, intervalMs = RSS_SAMPLE_MS): RssSampler {
  const code = `
    const { parentPort, workerData } = require("node:worker_threads");
    const fs = require("node:fs");
    let peak = 0, samples = 0, last = 0;
    const read = () => {
      try {
        const m = /^VmRSS:\\s+(\\d+)\\s+kB/m.exec(fs.readFileSync("/proc/" + workerData.pid + "/status", "utf8"));
        if (m) { last = Number(m[1]) * 1024; peak = Math.max(peak, last); samples++; }
      } catch {}
    };
    read();
    const timer = setInterval(read, workerData.intervalMs);
    parentPort.on("message", () => { clearInterval(timer); read(); parentPort.postMessage({ peak, samples, last }); });
  `;
  const worker = new Worker(code, { eval: true, workerData: { pid, intervalMs } });
  return {
    stop() {
      return new Promise((resolve, reject) => {
        worker.once("message", (result: { peak: number; samples: number; last: number }) => {
          void worker.terminate();
          resolve(result);
        });
        worker.once("error", reject);
        worker.postMessage("stop");
      });
    },
  };
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
