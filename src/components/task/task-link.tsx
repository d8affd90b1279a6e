import Link from "next/link";
import type { ComponentProps } from "react";

type TaskLinkProps = Omit<ComponentProps<typeof Link>, "href" | "prefetch"> & { taskId: string };

/**
 * A link to a task's page. Not prefetched, as no link of the app: the pages are all dynamic, so a
 * prefetch brought back only the layout's shell (opening a task costs one request either way),
 * and every live refresh dropped the prefetches and sent one per visible link again — on a full
 * board about 25 requests and 0.3 s of the server's CPU per status change, the CPU the
 * terminals' output needs.
 */
export function TaskLink({ taskId, ...props }: TaskLinkProps) {
  return <Link href={`/tasks/${encodeURIComponent(taskId)}`} prefetch={false} {...props} />;
}
