/** Where a JSON text repeats a member name: the object's dotted path (`body.items.0`) and the name. */
export interface DuplicateKey {
  path: string;
  key: string;
}

/** One open object or array while scanning: the names seen so far (objects) and where we are in it. */
interface Frame {
  seen: Set<string> | null;
  at: string | number;
  expectsKey: boolean;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The first object in the JSON text `raw` (UTF-8 bytes) that names a member twice, else null.
 * `JSON.parse` keeps the last value silently, while another reader of the same bytes (a proxy,
 * a log pipeline, a signature check) may keep the first: the two would disagree on what was
 * asked, e.g. which `amount`. I-JSON (RFC 7493 §2.3) forbids duplicate names. Names compare
 * after unescaping (`"a"` and `"\u0061"` are the same name).
 *
 * A linear scan without recursion, so deep nesting cannot overflow the stack. It only looks for
 * duplicates: text that is not JSON is left to the parser (the answer is then meaningless).
 */
export function firstDuplicateKey(raw: Buffer, prefix = 'body'): DuplicateKey | null {
  const stack: Frame[] = [];
  const n = raw.length;
  for (let i = 0; i < n; i++) {
    const c = raw[i];
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < n && raw[i] !== QUOTE; i++) {
        if (raw[i] === BACKSLASH) {
          escaped = true;
          i++;
        }
      }
      const top = stack[stack.length - 1];
      if (top?.seen && top.expectsKey) {
        const key = nameOf(raw, start, i, escaped);
        if (key === null) return null;
        if (top.seen.has(key)) return { path: [prefix, ...stack.slice(0, -1).map((f) => f.at)].join('.'), key };
        top.seen.add(key);
        top.at = key;
        top.expectsKey = false;
      }
    } else if (c === 0x7b /* { */) {
      stack.push({ seen: new Set(), at: '', expectsKey: true });
    } else if (c === 0x5b /* [ */) {
      stack.push({ seen: null, at: 0, expectsKey: false });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      const top = stack[stack.length - 1];
      if (top?.seen) top.expectsKey = true;
      else if (top) top.at = (top.at as number) + 1;
    }
  }
  return null;
}

/** The member name of the string token raw[start..end] (quotes included), or null when it is not valid JSON. */
function nameOf(raw: Buffer, start: number, end: number, escaped: boolean): string | null {
  if (!escaped) return raw.toString('utf8', start + 1, end);
  try {
    return JSON.parse(raw.toString('utf8', start, end + 1)) as string;
  } catch {
    return null;
  }
}
