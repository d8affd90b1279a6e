/** Checks for text fields that are stored and shown again. Client-safe. */

/** No NUL: the terminal, C tools and the SQLite shell all cut a string at it. */
export const hasNoNul = (value: string): boolean => !value.includes("\u0000");

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * No lone UTF-16 surrogate: it has no UTF-8 form, so it was stored as replacement characters —
 * the text read back was not the text sent, and could be longer than its limit.
 */
export const isWellFormedText = (value: string): boolean => !LONE_SURROGATE.test(value);

export const NUL_MESSAGE = "must not contain NUL bytes";
export const SURROGATE_MESSAGE = "must be valid Unicode text (it holds half of a surrogate pair)";
