#!/usr/bin/env node
// Forwards one agent CLI event to this run's CALLBACK_URL.
//
// - Claude Code and Gemini CLI hooks: the event's JSON arrives on stdin. Claude Code needs this for
//   SessionStart, where it skips `"type": "http"` hooks ("HTTP hooks are not supported for
//   SessionStart"), so the session id still reaches AI Manager and Resume needs no typing; Gemini
//   CLI has only command hooks.
// - Codex CLI's `notify` program: the JSON is the last command-line argument, stdin is not used.
//
// It prints nothing — a SessionStart hook's stdout would become the agent's context — and always
// exits 0, so a stopped app never disturbs the agent.
const TIMEOUT_MS = 5_000;

const url = process.env.CALLBACK_URL;
const fromArgs = process.argv.length > 2 ? process.argv[process.argv.length - 1] : undefined;
let body;
if (fromArgs !== undefined) {
  body = Buffer.from(fromArgs, "utf8");
} else {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  body = Buffer.concat(chunks);
}
if (url) {
  try {
    await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    // The app is not running or did not answer in time: nothing to report to anyone.
  }
}
process.exit(0);
