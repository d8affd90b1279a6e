import { PassThrough } from "node:stream";
import { TerminalHostService } from "../../src/terminal/host/host-service";
import { HostConnection } from "../../src/terminal/server/host-connection";

/**
 * The real terminal host service and the real protocol, in the test's own process: the two ends
 * talk through a pair of in-memory streams instead of the data dir's socket. Integration tests use
 * it so they need no host process; the system and e2e suites run the real one.
 */
export async function startInProcessHost(): Promise<{ service: TerminalHostService; connection: HostConnection }> {
  const token = "in-process-host-token-0123456789abcdef";
  const service = new TerminalHostService({ token });
  const toHost = new PassThrough();
  const toApp = new PassThrough();
  service.accept(toHost, toApp);
  const connection = await HostConnection.open(toApp, toHost, { token, role: "app" });
  return { service, connection };
}
