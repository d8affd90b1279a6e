/**
 * Shortens a directory path for cards: the home directory becomes `~`, and long paths keep only
 * their last segments (the part that tells projects apart), e.g. `…/projects/ai-manager`.
 */
export function shortenPath(fullPath: string, home: string, keepSegments = 2): string {
  let display = fullPath;
  const homeNoSlash = home.replace(/\/+$/, "");
  if (homeNoSlash && (display === homeNoSlash || display.startsWith(`${homeNoSlash}/`))) {
    display = `~${display.slice(homeNoSlash.length)}`;
  }
  const rooted = display.startsWith("/") || display.startsWith("~");
  const segments = display.split("/").filter((s) => s !== "");
  if (segments.length <= keepSegments) return display;
  const tail = segments.slice(-keepSegments).join("/");
  return rooted ? `…/${tail}` : tail;
}
