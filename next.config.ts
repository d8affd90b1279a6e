import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The custom server owns the process; Next only renders pages, actions and route handlers.
  poweredByHeader: false,
  reactStrictMode: true,
  // Native modules and the PTY stack are loaded by the custom server, never bundled.
  serverExternalPackages: ["node-pty", "better-sqlite3", "@xterm/headless", "pino"],
  // Keep `next build` output independent of the dev server's, so `npm run dev` never clobbers a production build.
  distDir: process.env.NODE_ENV === "development" ? ".next-dev" : ".next",
};

export default nextConfig;
