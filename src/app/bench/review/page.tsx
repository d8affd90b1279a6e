import { notFound } from "next/navigation";
import { ReviewBench } from "@/components/review/review-bench";

export const dynamic = "force-dynamic";

/**
 * The review bench's harness (`npm run bench -- --only=review`): the app's own DiffViewer on a
 * generated diff, so the time to first paint of a 5 000-line diff is measured on the real
 * component. Served only when the server runs with AI_MANAGER_BENCH_PAGES=1 (the bench sets it).
 */
export default async function ReviewBenchPage({ searchParams }: { searchParams: Promise<{ lines?: string }> }) {
  if (process.env.AI_MANAGER_BENCH_PAGES !== "1") notFound();
  const lines = Math.min(50_000, Math.max(1, Number((await searchParams).lines) || 5000));
  return (
    <main className="page">
      <ReviewBench lines={lines} />
    </main>
  );
}
