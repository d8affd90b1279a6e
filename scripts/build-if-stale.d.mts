export declare const BUILD_SOURCES: readonly string[];
export declare function buildIsCurrent(root?: string): boolean;
/** Returns the build's exit status: 0 when nothing had to be built or the build succeeded. */
export declare function buildIfStale(root?: string): number;
