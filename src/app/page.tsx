import { getServices } from "@/server/registry";

export const dynamic = "force-dynamic";

export default function BoardPage() {
  const tasks = getServices().tasks.list();
  return <main><h1>Board</h1><p>{tasks.length} tasks</p></main>;
}
