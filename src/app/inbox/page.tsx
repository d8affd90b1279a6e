import type { Metadata } from "next";
import { InboxView } from "@/components/inbox/inbox-view";
import { LiveRefresh } from "@/components/live/live-refresh";
import { listInbox } from "@/server/inbox/inbox-service";
import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

export const metadata: Metadata = { title: "Inbox" };

/** Tasks waiting on a person, answerable from here. Re-rendered live when a task or run changes. */
export default async function InboxPage() {
  return (
    <main className="page">
      <InboxView items={await listInbox(getServices())} now={Date.now()} />
      <LiveRefresh catchUpOnConnect />
    </main>
  );
}
