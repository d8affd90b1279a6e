export declare const BUNDLE_SOURCES: readonly string[];
export declare const BUNDLE_ENTRIES: Readonly<Record<"server" | "host-main" | "mcp", string>>;
export declare function bundleDir(root: string): string;
/** The bundle of one entry, or undefined when it is missing or older than its sources. */
export declare function currentBundle(root: string, name: "server" | "host-main" | "mcp"): string | undefined;
export declare function bundleIsCurrent(root: string): boolean;
export declare function bundleServer(root: string): Promise<void>;
export declare function sourcesHash(root: string): string;
/** SHA-256 over the relative paths and contents of `entries` (files or directories) under `root`. */
export declare function contentHash(root: string, entries: readonly string[]): string;
