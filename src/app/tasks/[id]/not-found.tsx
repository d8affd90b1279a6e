import Link from "next/link";

export default function TaskNotFound() {
  return (
    <main className="page">
      <div className="panel empty-state notice">
        <h1>Task not found</h1>
        <p>
          There is no task at this address. It may have been deleted, or the link is incomplete. Tasks live on the
          board; open one from there.
        </p>
        <Link prefetch={false} href="/" className="button button-primary">
          Back to the board
        </Link>
      </div>
    </main>
  );
}
