import { StringDecoder } from "node:string_decoder";
import type { ServerMessage } from "../../src/terminal/contract/protocol";
import type { PtySession } from "../../src/terminal/host/pty-session";
import type { Viewer, ViewerTransport } from "../../src/terminal/host/viewer-hub";

/**
 * A viewer without a browser: records what the server sends, acknowledges output like a real
 * client would (or never, to play a stalled one), and keeps the text it received.
 */
export class FakeViewer implements ViewerTransport {
  readonly messages: ServerMessage[] = [];
  receivedBytes = 0;
  /** Output received since the last snapshot, decoded. */
  text = "";
  snapshots = 0;
  closed: { code: number; reason: string } | undefined;
  viewer!: Viewer;
  private readonly decoder = new StringDecoder("utf8");

  constructor(
    private readonly session: PtySession,
    private readonly options: { ack: boolean; keepText?: boolean } = { ack: true },
  ) {}

  get bufferedAmount(): number {
    return 0;
  }

  attach(): this {
    this.viewer = this.session.attachViewer(this);
    return this;
  }

  sendBinary(data: Buffer): void {
    this.receivedBytes += data.length;
    if (this.options.keepText !== false) this.text += this.decoder.write(data);
    if (this.options.ack) {
      const bytes = data.length;
      queueMicrotask(() => this.session.handleViewerMessage(this.viewer, { type: "ack", bytes }));
    }
  }

  sendMessage(message: ServerMessage): void {
    this.messages.push(message);
    if (message.type === "snapshot") {
      this.snapshots += 1;
      this.text = "";
    }
  }

  close(code: number, reason: string): void {
    this.closed = { code, reason };
  }

  type(data: string): void {
    this.session.handleViewerMessage(this.viewer, { type: "input", data });
  }

  detach(): void {
    this.session.detachViewer(this.viewer);
  }
}
