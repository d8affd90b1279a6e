import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";

/**
 * A network namespace joined to this machine by a veth pair, so a test can reach the server from
 * another address the way a phone on the LAN would: the host side gets `<prefix>.1/24`, the
 * namespace two addresses (`.2` and `.3`, to tell one client address from another). Needs root
 * and iproute2; when either is missing `createNetns` says why instead of throwing, so a suite
 * can skip with the reason printed.
 */

export type NetnsResult = { ok: true; netns: Netns } | { ok: false; reason: string };

export interface Netns {
  readonly name: string;
  /** The host side's address: what the server binds to and the namespace dials. */
  readonly hostAddress: string;
  /** The namespace's own addresses: requests come from these. */
  readonly clientAddresses: readonly [string, string];
  /** A probe process inside the namespace (node test/helpers/netns-client.mjs). */
  client(): NetnsClient;
  /** Removes the namespace and the link (idempotent; also run at process exit). */
  cleanup(): void;
}

const ip = (args: string[]) => execFileSync("ip", args, { stdio: ["ignore", "pipe", "pipe"], timeout: 10_000 }).toString("utf8");

export function createNetns(): NetnsResult {
  if (typeof process.getuid === "function" && process.getuid() !== 0) return { ok: false, reason: "not running as root (network namespaces need CAP_NET_ADMIN)" };
  try {
    ip(["-V"]);
  } catch {
    return { ok: false, reason: "the `ip` command (iproute2) is not installed" };
  }
  // Unique per test process: parallel runs on one machine must not collide.
  const tag = `${process.pid % 100_000}`;
  const name = `aimns${tag}`;
  const hostIf = `aimh${tag}`;
  const nsIf = `aimn${tag}`;
  const subnet = `10.231.${process.pid % 250}`;
  const hostAddress = `${subnet}.1`;
  const clientAddresses = [`${subnet}.2`, `${subnet}.3`] as const;
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    for (const args of [["link", "del", hostIf], ["netns", "del", name]]) {
      try {
        ip(args);
      } catch {
        // Already gone (deleting the namespace also deletes its end of the pair).
      }
    }
  };
  try {
    ip(["netns", "add", name]);
    process.once("exit", cleanup);
    ip(["link", "add", hostIf, "type", "veth", "peer", "name", nsIf]);
    ip(["link", "set", nsIf, "netns", name]);
    ip(["addr", "add", `${hostAddress}/24`, "dev", hostIf]);
    ip(["link", "set", hostIf, "up"]);
    for (const address of clientAddresses) ip(["netns", "exec", name, "ip", "addr", "add", `${address}/24`, "dev", nsIf]);
    ip(["netns", "exec", name, "ip", "link", "set", nsIf, "up"]);
    ip(["netns", "exec", name, "ip", "link", "set", "lo", "up"]);
  } catch (error) {
    cleanup();
    const stderr = (error as { stderr?: Buffer }).stderr?.toString("utf8").trim();
    return { ok: false, reason: `cannot create a network namespace here: ${stderr || (error as Error).message}` };
  }
  const clients: NetnsClient[] = [];
  return {
    ok: true,
    netns: {
      name,
      hostAddress,
      clientAddresses,
      client() {
        const client = new NetnsClient(name);
        clients.push(client);
        return client;
      },
      cleanup() {
        for (const client of clients) client.close();
        cleanup();
      },
    },
  };
}

export interface ProbeResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: string;
  json?: any;
}

export interface ProbeRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Which of the namespace's addresses the request comes from. */
  localAddress?: string;
  /** A PEM certificate to trust (the test's self-signed one); HTTPS is verified against it. */
  ca?: string;
}

export type WsOutcome = { kind: "open" } | { kind: "refused"; status: number } | { kind: "error"; message: string };

/** Talks to netns-client.mjs, running inside the namespace, over its stdin/stdout. */
export class NetnsClient {
  private readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, (value: any) => void>();
  private readonly closes = new Map<string, { code: number }>();
  private readonly closeWaiters = new Set<() => void>();

  constructor(netnsName: string) {
    this.child = spawn("ip", ["netns", "exec", netnsName, process.execPath, path.join(__dirname, "netns-client.mjs")], {
      cwd: path.resolve(__dirname, "../.."),
      stdio: ["pipe", "pipe", "inherit"],
    });
    readline.createInterface({ input: this.child.stdout! }).on("line", (line) => {
      const message = JSON.parse(line) as { id?: number; event?: string; name?: string; code?: number };
      if (message.event === "close" && message.name) {
        this.closes.set(message.name, { code: message.code ?? 0 });
        for (const waiter of this.closeWaiters) waiter();
        return;
      }
      const resolve = this.pending.get(message.id!);
      this.pending.delete(message.id!);
      resolve?.(message);
    });
  }

  private call<T>(op: string, args: object): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(`${JSON.stringify({ id, op, ...args })}\n`);
    });
  }

  async http(request: ProbeRequest): Promise<ProbeResponse> {
    const answer = await this.call<ProbeResponse & { error?: string }>("http", request);
    if (answer.error) throw new Error(`request to ${request.url} failed inside the namespace: ${answer.error}`);
    let json: unknown;
    try {
      json = JSON.parse(answer.body);
    } catch {
      json = undefined;
    }
    return { ...answer, json };
  }

  /** Opens a WebSocket named `name`; its close, whenever it comes, is recorded under that name. */
  async ws(name: string, request: ProbeRequest & { origin?: string }): Promise<WsOutcome> {
    const { id: _id, ...outcome } = await this.call<WsOutcome & { id: number }>("ws", { name, ...request });
    return outcome as WsOutcome;
  }

  /** Resolves with the close code once the named socket closed. */
  closed(name: string): Promise<{ code: number }> {
    return new Promise((resolve) => {
      const check = () => {
        const closed = this.closes.get(name);
        if (!closed) return;
        this.closeWaiters.delete(check);
        resolve(closed);
      };
      this.closeWaiters.add(check);
      check();
    });
  }

  /** Whether the named socket is still open, asked after a round trip (so earlier closes have arrived). */
  async isOpen(name: string): Promise<boolean> {
    const { open } = await this.call<{ open: boolean }>("state", { name });
    return open && !this.closes.has(name);
  }

  close(): void {
    if (this.child.exitCode === null) this.child.kill("SIGKILL");
  }
}
