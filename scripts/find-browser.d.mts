export declare const DEBIAN_CHROMIUM: string;
/** `{ path }` of the Chromium to drive, or `{ problem }`: one line naming what is missing and the fix. */
export declare function findChromium(env?: NodeJS.ProcessEnv): { path: string; problem?: undefined } | { path?: undefined; problem: string };
