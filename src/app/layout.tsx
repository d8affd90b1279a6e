import type { Metadata, Viewport } from "next";
import { cookies, headers } from "next/headers";
import { AttentionCenter } from "@/components/attention/attention-center";
import { AppNav } from "@/components/layout/app-nav";
import { UpdateBanner } from "@/components/live/update-banner";
import { KeyboardShortcuts } from "@/components/shortcuts/keyboard-shortcuts";
import { INBOX_STATUSES } from "@/lib/inbox";
import { REQUEST_ACCESS_HEADER } from "@/lib/request-access";
import { DEFAULT_THEME, THEME_COLORS, THEME_COOKIE, parseTheme, type Theme } from "@/lib/theme/theme";
import { getServices } from "@/server/registry";
import "./globals.css";
import "@/components/layout/app-nav.css";
import "@/components/layout/small-screen.css";

export const metadata: Metadata = {
  title: { default: "AI Manager", template: "%s · AI Manager" },
  description: "Tasks that run coding agents in real terminals.",
  // Installable on a phone's home screen (public/manifest.webmanifest; icons from scripts/make-icons.mjs).
  manifest: "/manifest.webmanifest",
  icons: {
    icon: [
      { url: "/icon.svg", type: "image/svg+xml" },
      { url: "/icon-192.png", sizes: "192x192", type: "image/png" },
    ],
    apple: [{ url: "/apple-touch-icon.png", sizes: "180x180", type: "image/png" }],
  },
  appleWebApp: { capable: true, title: "AI Manager", statusBarStyle: "default" },
};

/** The theme comes from a cookie so the very first paint is in the right colours. */
async function themeFromCookie(): Promise<Theme> {
  return parseTheme((await cookies()).get(THEME_COOKIE)?.value) ?? DEFAULT_THEME;
}

export async function generateViewport(): Promise<Viewport> {
  const theme = await themeFromCookie();
  return { colorScheme: theme, themeColor: THEME_COLORS[theme] };
}

/** Titles of the tasks that have a session, so an exit notice can name its task. */
function liveTaskTitles(): Record<string, string> {
  try {
    const services = getServices();
    const titles: Record<string, string> = {};
    for (const session of services.sessions.list()) {
      const task = services.tasks.find(session.taskId);
      if (task) titles[task.id] = task.title;
    }
    return titles;
  } catch {
    // Rendered without the app's server (e.g. a build-time render): no sessions to name.
    return {};
  }
}

/**
 * Tasks waiting on a person, for the nav's Inbox count (kept live by the nav from app events).
 * Read by status (indexed): this runs on every page render and live refresh, and reading every
 * task — thousands, with their prompts — to keep a handful cost each of them far more.
 */
function inboxTaskIds(): string[] {
  try {
    const { tasks } = getServices();
    return INBOX_STATUSES.flatMap((status) => tasks.list({ status }).map((task) => task.id));
  } catch {
    // Rendered without the app's server (e.g. a build-time render): nothing to count.
    return [];
  }
}

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = await themeFromCookie();
  // A public path's not-found page is rendered in this layout too, for anyone: no app data there.
  const signedIn = (await headers()).get(REQUEST_ACCESS_HEADER) === "session";
  return (
    <html lang="en" data-theme={theme}>
      <body>
        <UpdateBanner />
        <AppNav theme={theme} inboxTaskIds={signedIn ? inboxTaskIds() : []} />
        {children}
        <AttentionCenter taskTitles={signedIn ? liveTaskTitles() : {}} />
        <KeyboardShortcuts />
      </body>
    </html>
  );
}
