import type { Metadata } from "next";
import Link from "next/link";

export const metadata: Metadata = { title: "Not found" };

export default function NotFound() {
  return (
    <main className="page">
      <div className="panel empty-state notice">
        <h1>Page not found</h1>
        <p>Nothing lives at this address. Your tasks are on the board; CLI profiles and limits are in Settings.</p>
        <div className="form-actions">
          <Link prefetch={false} href="/" className="button button-primary">
            Go to the board
          </Link>
          <Link prefetch={false} href="/settings" className="button">
            Settings
          </Link>
        </div>
      </div>
    </main>
  );
}
