// Runs inside a test's network namespace (test/helpers/netns.ts): reads one JSON request per
// line on stdin, performs it from here, and answers one JSON line on stdout. WebSocket closes are
// reported as they happen, so the test sees a revoked device's socket drop.
import http from "node:http";
import https from "node:https";
import readline from "node:readline";
import WebSocket from "ws";

const sockets = new Map();
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function tlsOptions(request) {
  return request.ca ? { ca: request.ca } : {};
}

function doHttp(id, request) {
  const url = new URL(request.url);
  const lib = url.protocol === "https:" ? https : http;
  const req = lib.request(
    {
      hostname: url.hostname,
      port: url.port,
      // Sent byte for byte: the raw path, not a normalised one.
      path: request.rawPath ?? `${url.pathname}${url.search}`,
      method: request.method ?? "GET",
      headers: request.headers ?? {},
      localAddress: request.localAddress,
      agent: false,
      ...tlsOptions(request),
    },
    (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => send({ id, status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
    },
  );
  req.setTimeout(15_000, () => req.destroy(new Error("timed out")));
  req.on("error", (error) => send({ id, error: error.message }));
  req.end(request.body);
}

function doWs(id, request) {
  const ws = new WebSocket(request.url, {
    origin: request.origin,
    headers: request.headers ?? {},
    localAddress: request.localAddress,
    perMessageDeflate: false,
    handshakeTimeout: 10_000,
    ...tlsOptions(request),
  });
  let answered = false;
  ws.once("open", () => {
    answered = true;
    sockets.set(request.name, ws);
    send({ id, kind: "open" });
  });
  ws.once("unexpected-response", (_req, res) => {
    answered = true;
    send({ id, kind: "refused", status: res.statusCode });
    res.resume();
    ws.terminate();
  });
  ws.on("error", (error) => {
    if (!answered) {
      answered = true;
      send({ id, kind: "error", message: error.message });
    }
  });
  ws.once("close", (code) => {
    if (sockets.get(request.name) === ws) send({ event: "close", name: request.name, code });
  });
}

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const message = JSON.parse(line);
  if (message.op === "http") doHttp(message.id, message);
  else if (message.op === "ws") doWs(message.id, message);
  else if (message.op === "state") send({ id: message.id, open: sockets.get(message.name)?.readyState === WebSocket.OPEN });
});
process.stdin.on("end", () => process.exit(0));
