import os from "node:os";
import type { Metadata } from "next";
import { BoardView } from "@/components/board/board-view";
import { InboxCallout } from "@/components/inbox/inbox-callout";
import { LiveRefresh } from "@/components/live/live-refresh";
import { boardParamsSchema } from "@/lib/board";
import type { ProfileOption } from "@/lib/view-models";
import { getServices } from "@/server/registry";
import { loadBoard } from "@/server/tasks/board-query";

export const dynamic = "force-dynamic";

// The root layout's title template does not apply to a page in its own segment.
export const metadata: Metadata = { title: { absolute: "Board · AI Manager" } };

interface BoardPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

/** One value per parameter: a repeated one counts as its first. */
function firstValues(raw: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(raw).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value]));
}

export default async function BoardPage({ searchParams }: BoardPageProps) {
  const params = boardParamsSchema.parse(firstValues(await searchParams));
  const services = getServices();
  const profiles = services.profiles.list();
  const board = loadBoard(services.database.db, {
    params,
    profileNames: new Map(profiles.map((profile) => [profile.id, profile.name])),
    home: os.homedir(),
  });
  const profileOptions: ProfileOption[] = profiles.map(({ id, name, isActive }) => ({ id, name, isActive }));
  return (
    <main className="page">
      <InboxCallout waiting={board.inboxCount} />
      <BoardView board={board} expanded={params.all} profiles={profileOptions} defaultCwd={process.cwd()} now={Date.now()} />
      <LiveRefresh />
    </main>
  );
}
