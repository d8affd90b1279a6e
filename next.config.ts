import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // The custom server owns the process; Next only renders pages, actions and route handlers.
  poweredByHeader: false,
  reactStrictMode: true,
  // Native modules and the PTY stack are loaded by the custom server, never bundled.
  serverExternalPackages: ["node-pty", "better-sqlite3", "@xterm/headless", "pino"],
  // Keep `next build` output independent of the dev server's, so `npm run dev` never clobbers a production build.
  // Types are checked once, by `npm run typecheck` (the first step of `npm test`); checking them
  // again inside every build cost `npm test` 15–30 s on two cores and `npm start` users nothing.
  typescript: { ignoreBuildErrors: true },
  distDir: process.env.NODE_ENV === "development" ? ".next-dev" : ".next",
};

export default nextConfig;
