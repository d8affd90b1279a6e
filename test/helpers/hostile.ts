import path from "node:path";
import fc from "fast-check";

/**
 * Generators of hostile input for the hostile-input suite (test/system/hostile-input.test.ts),
 * and the checks every answer must pass. The values aim at the edges: control and NUL bytes, lone
 * surrogates, path tricks, huge and empty strings, numbers that are negative, giant, fractional or
 * not numbers at all, wrong types, unknown keys, JSON that does not parse, bytes that are not UTF-8.
 *
 * None of it is ever run as a command: the suite's profiles ignore prompts (see the suite).
 */

const REPO_ROOT = path.resolve(__dirname, "../..");

/** Text that must never appear in an answer: stack frames, Node internals, the server's own source paths. */
export const LEAK_PATTERNS: RegExp[] = [
  /\bat [^\n]{0,200}\((?:\/|node:|file:)[^)\n]*:\d+:\d+\)/,
  /\n\s+at (?:async )?[\w$.<>]+ \(/,
  /node:internal/,
  new RegExp(`${REPO_ROOT.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}/(?:src|server|node_modules|\\.next|scripts)/`),
  /\.next\/server\//,
];

export function leakIn(text: string): string | undefined {
  for (const pattern of LEAK_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return match[0];
  }
  return undefined;
}

/** Percent-encodes any string, lone surrogates included (encodeURIComponent throws on those): they go as their UTF-8-ish bytes. */
export function pct(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...Buffer.from(value, "utf8")].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join("");
  }
}

/** Strings chosen by hand for the edges the random ones rarely reach. */
export const EDGE_STRINGS = [
  "",
  " ",
  "\u0000",
  "a\u0000b",
  "\u0000".repeat(100),
  "\r\n",
  "\u001b[6n",
  "\u001b]0;title\u0007",
  "\u001b[200~",
  "\u001b[999999999;999999999H",
  "\u001bc",
  "\ud800",
  "\udfff\ud800",
  "\ufeff",
  "\u202e",
  "%00",
  "%ff",
  "%2e%2e%2f",
  "../../etc",
  "../../../../../../etc/passwd",
  "/etc/passwd",
  "/proc/self/..",
  "/proc/self/cwd",
  "/proc/self/root/etc",
  "/dev/null",
  "/dev/zero",
  "//",
  "/tmp/../tmp/./",
  "~",
  "~root",
  "~/../../",
  "C:\\Windows",
  "\\\\server\\share",
  "{prompt}",
  "__proto__",
  "constructor",
  "prototype",
  "$undefined",
  "$$",
  "$@0",
  "$Q1",
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "0x10",
  "9".repeat(400),
  "null",
  "true",
  "[]",
  "{}",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\"; DROP TABLE tasks; --",
  "${7*7}",
  "{{7*7}}",
];

/** Any code point (lone surrogates included), control bytes, the edge list, and now and then something big. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: "binary", maxLength: 40 }), weight: 4 },
  { arbitrary: fc.string({ unit: "binary-ascii", maxLength: 40 }), weight: 3 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), maxLength: 30 }), weight: 2 },
  { arbitrary: fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 5 }), weight: 1 },
  { arbitrary: fc.constantFrom(...EDGE_STRINGS), weight: 4 },
  {
    arbitrary: fc.tuple(fc.constantFrom("x", "\u0000", "é", "\u001b[31m", "𝄞", "\n"), fc.integer({ min: 1_000, max: 250_000 })).map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length))),
    weight: 1,
  },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(-1, 0, -0, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, 2 ** 53 + 2, -(2 ** 63), 1e21, 1e308, -1e308, Number.MIN_VALUE, Number.EPSILON, 1001, 501, 10_001, 50_001),
);

/** Any JSON value, leaning hostile. */
export const hostileValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    hostileString,
    hostileNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(hostileString.filter((s) => s.length < 50), fc.constantFrom("__proto__", "constructor")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

/**
 * An object whose fields are the ones a route knows, filled with hostile values (any subset),
 * sometimes with extra unknown keys. `valid` may supply plausible values so some cases get past
 * the first field's check.
 */
export function fieldsOf(keys: readonly string[], plausible: Record<string, fc.Arbitrary<unknown>> = {}): fc.Arbitrary<Record<string, unknown>> {
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const key of keys) model[key] = Object.hasOwn(plausible, key) ? fc.oneof(plausible[key]!, hostileValue) : hostileValue;
  return fc.tuple(fc.record(model, { requiredKeys: [] }), fc.option(fc.dictionary(hostileString.filter((s) => s.length < 40), hostileValue, { minKeys: 1, maxKeys: 2 }), { freq: 4 })).map(
    ([fields, extra]) => (extra ? { ...extra, ...fields } : fields),
  );
}

/** How a body goes on the wire: JSON, or something that only looks like it. */
export type WireBody = { kind: string; bytes: Buffer; contentType: string | undefined };

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/vnd.api+json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/json; charset=latin1",
  "APPLICATION/JSON",
  "json",
  "",
];

const malformedJson = fc.oneof(
  fc.constantFrom(
    "{",
    "}",
    "[",
    "{'a':1}",
    '{"a":1,}',
    '{"a":}',
    "NaN",
    "Infinity",
    '{"cols":NaN}',
    '{"cols":1e400,"rows":-1e400}',
    '{"cols":Infinity}',
    "undefined",
    '"unterminated',
    "\u0000",
    '{"a":1}{"b":2}',
    '{"a":"\\ud800"}',
    '{"a":"\\u12"}',
    "nul",
    "tru",
    "-",
    "01",
    '{"__proto__":{"polluted":1}}',
    '{"constructor":{"prototype":{"polluted":1}}}',
  ),
  fc.integer({ min: 10, max: 20_000 }).map((depth) => "[".repeat(depth) + "]".repeat(depth)),
  fc.integer({ min: 10, max: 20_000 }).map((depth) => '{"a":'.repeat(depth) + "1" + "}".repeat(depth)),
  fc.string({ minLength: 1, maxLength: 200 }),
);

/** Bytes that are not UTF-8 (overlong forms, lone continuation bytes, surrogates encoded, truncated sequences). */
const invalidUtf8 = fc.constantFrom(
  Buffer.from([0x7b, 0x22, 0x69, 0x6e, 0x70, 0x75, 0x74, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x74, 0x69, 0x74, 0x6c, 0x65, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x63, 0x77, 0x64, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
  Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe2, 0x82, 0x22, 0x7d]),
  Buffer.from([0x80, 0x81, 0x82]),
  Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
);

/**
 * A body for a route: mostly JSON of `value`, else malformed JSON, invalid UTF-8, an oversized
 * body, or nothing — with a content type that is usually right and sometimes not.
 */
export function wireBody(value: fc.Arbitrary<unknown>, options: { allowEmpty?: boolean } = {}): fc.Arbitrary<WireBody> {
  const contentType = fc.oneof({ arbitrary: fc.constant("application/json"), weight: 8 }, { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 }, { arbitrary: fc.constant(undefined), weight: 1 });
  const kinds: Array<{ arbitrary: fc.Arbitrary<WireBody>; weight: number }> = [
    { arbitrary: fc.tuple(value, contentType).map(([v, ct]) => ({ kind: "json", bytes: Buffer.from(JSON.stringify(v) ?? "null"), contentType: ct })), weight: 12 },
    { arbitrary: fc.tuple(malformedJson, contentType).map(([text, ct]) => ({ kind: "malformed", bytes: Buffer.from(text), contentType: ct })), weight: 3 },
    { arbitrary: fc.tuple(invalidUtf8, contentType).map(([bytes, ct]) => ({ kind: "invalid-utf8", bytes, contentType: ct })), weight: 1 },
    {
      arbitrary: fc.integer({ min: 1, max: 3 }).map((mb) => ({ kind: "oversized", bytes: Buffer.from(`{"input":"${"y".repeat(mb * 1024 * 1024 + 17_000)}"}`), contentType: "application/json" })),
      weight: 1,
    },
  ];
  if (options.allowEmpty !== false) {
    kinds.push({ arbitrary: contentType.map((ct) => ({ kind: "empty", bytes: Buffer.alloc(0), contentType: ct })), weight: 1 });
    return fc.oneof(...kinds);
  }
  // An empty body (or a JSON null) reads as "no body", which is valid where every field is optional.
  return fc.oneof(...kinds).filter((body) => body.bytes.length > 0 && body.bytes.toString("utf8").trim() !== "null");
}

/** A query string: known keys with hostile or plausible values, unknown keys, repeats, broken escapes. */
export function queryString(keys: readonly string[], plausible: Record<string, fc.Arbitrary<string>> = {}): fc.Arbitrary<string> {
  const queryValue = fc.oneof(
    hostileString.filter((s) => s.length < 2_000),
    fc.constantFrom("-1", "0", "1", "1.5", "1e3", " 7", "7 ", "+7", "0x1f", "NaN", "Infinity", "-Infinity", "9".repeat(30), "true", "false", "yes", ""),
    hostileNumber.map(String),
  );
  const pair = fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...keys), weight: 5 }, { arbitrary: hostileString.filter((s) => s.length < 30), weight: 1 }), fc.constant(undefined)).chain(([key]) =>
    (Object.hasOwn(plausible, key) ? fc.oneof(plausible[key]!, queryValue) : queryValue).map((value) => `${pct(key)}=${pct(value)}`),
  );
  const raw = fc.constantFrom("%", "%zz", "%ff", "%c0%af", "a=%", "=", "&&", "a", "a=1&a=2", "%00=%00", "?", "#frag", "a[]=1", "a[b]=1");
  return fc.array(fc.oneof({ arbitrary: pair, weight: 6 }, { arbitrary: raw, weight: 1 }), { maxLength: 5 }).map((parts) => (parts.length ? `?${parts.join("&")}` : ""));
}

/** A path segment for an id: a real one, or anything. */
export function idSegment(real: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...real), weight: 6 },
    { arbitrary: fc.uuid().map(String), weight: 2 },
    { arbitrary: hostileString.filter((s) => s.length < 300).map(pct), weight: 3 },
    { arbitrary: fc.constantFrom("..", ".", "%2e%2e", "%2F", "%00", "%ff", "%", "a%2Fb", "x".repeat(65), "x".repeat(5_000), "%E0%A4%A", "%C0%AE%C0%AE", "~", "*"), weight: 2 },
  );
}
