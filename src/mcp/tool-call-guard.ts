import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** JSON-RPC's code for a request whose parameters are wrong (the SDK's own answer here is -32603, an internal error). */
const INVALID_PARAMS = -32602;

function badArguments(message: JSONRPCMessage): { id: string | number; what: string } | undefined {
  if (!("method" in message) || message.method !== "tools/call" || !("id" in message)) return undefined;
  const params = (message as { params?: unknown }).params;
  if (typeof params !== "object" || params === null || !("arguments" in params)) return undefined;
  const args = (params as { arguments?: unknown }).arguments;
  if (args === undefined || (typeof args === "object" && args !== null && !Array.isArray(args))) return undefined;
  return { id: message.id, what: args === null ? "null" : Array.isArray(args) ? "an array" : `a ${typeof args}` };
}

/**
 * A `tools/call` whose `arguments` is not an object (null, an array, a string…) is answered here
 * with -32602 and one readable sentence, instead of the SDK's -32603 carrying a dump of its
 * schema errors. Call after `server.connect(transport)`, which installs the handler wrapped here.
 */
export function refuseMalformedToolCalls(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) throw new Error("refuseMalformedToolCalls: connect the server to the transport first");
  transport.onmessage = (message, extra) => {
    const bad = badArguments(message);
    if (!bad) {
      deliver(message, extra);
      return;
    }
    void transport.send({
      jsonrpc: "2.0",
      id: bad.id,
      error: { code: INVALID_PARAMS, message: `tools/call: "arguments" must be an object of the tool's parameters (or left out), not ${bad.what}.` },
    });
  };
}
