/**
 * A cell the CSV export escaped against formula injection (OWASP): one or more `'` then a
 * formula character (= + - @ tab CR or their full-width forms). The export adds one `'` to such
 * a value and to every value starting with a formula character; the import takes one off, so
 * every value imports back unchanged.
 */
export const ESCAPED_FORMULA = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
