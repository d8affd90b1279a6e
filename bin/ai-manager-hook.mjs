#!/usr/bin/env node
// Forwards one Claude Code hook payload (JSON on stdin) to this run's CALLBACK_URL.
//
// Used for SessionStart, where Claude Code skips `"type": "http"` hooks ("HTTP hooks are not
// supported for SessionStart"), so the session id still reaches AI Manager and Resume needs no
// typing. It prints nothing — a SessionStart hook's stdout would become Claude's context — and
// always exits 0, so a stopped app never disturbs the agent.
const TIMEOUT_MS = 5_000;

const url = process.env.CALLBACK_URL;
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
if (url) {
  try {
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: Buffer.concat(chunks),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    // The app is not running or did not answer in time: nothing to report to anyone.
  }
}
process.exit(0);
