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
  // Every live refresh of a page re-renders its <head>, and the browser then asks for the icon
  // again; Next serves public files with max-age=0, which made that a request (a 304) per status
  // change. The icons only change with a new version, and a day-old icon is harmless.
  async headers() {
    return [
      {
        source: "/:icon(icon\\.svg|icon-192\\.png|icon-512\\.png|icon-maskable-512\\.png|apple-touch-icon\\.png)",
        headers: [{ key: "Cache-Control", value: "public, max-age=86400" }],
      },
    ];
  },
};

export default nextConfig;
