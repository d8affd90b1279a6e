export declare const BUILD_SOURCES: readonly string[];
export declare function buildIsCurrent(root?: string): boolean;
/** Marks the build in .next/ as made from the sources whose hash is `sources`. */
export declare function recordBuild(root: string, sources: string): void;
/** Returns the build's exit status: 0 when nothing had to be built or the build succeeded. */
export declare function buildIfStale(root?: string): number;
