import type { Metadata, Viewport } from "next";
import { cookies } from "next/headers";
import { AttentionCenter } from "@/components/attention/attention-center";
import { AppNav } from "@/components/layout/app-nav";
import { KeyboardShortcuts } from "@/components/shortcuts/keyboard-shortcuts";
import { DEFAULT_THEME, THEME_COLORS, THEME_COOKIE, parseTheme, type Theme } from "@/lib/theme/theme";
import { getServices } from "@/server/registry";
import "./globals.css";
import "@/components/layout/app-nav.css";

export const metadata: Metadata = {
  title: { default: "AI Manager", template: "%s · AI Manager" },
  description: "Tasks that run coding agents in real terminals.",
  icons: { icon: "/icon.svg" },
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

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  const theme = await themeFromCookie();
  return (
    <html lang="en" data-theme={theme}>
      <body>
        <AppNav theme={theme} />
        {children}
        <AttentionCenter taskTitles={liveTaskTitles()} />
        <KeyboardShortcuts />
      </body>
    </html>
  );
}
