/**
 * The header the custom server sets on every request it hands to Next, replacing whatever the
 * client sent: "session" for a signed-in request (or any request with sign-in off), "public" for
 * one that reached Next on a public path — a static file, or the not-found page of a file that
 * does not exist. The root layout puts the app's data (task titles, the Inbox) only into
 * "session" answers: a public path that fell through to the not-found page used to carry them to
 * anyone (server/access-policy.ts).
 */
export const REQUEST_ACCESS_HEADER = "x-ai-manager-access";

export type RequestAccess = "session" | "public";
