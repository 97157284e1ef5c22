const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/**
 * Quote one word for POSIX shells: bare when it is safe, else single-quoted. A word holding what looks like an
 * expansion ('$(', '${', '$NAME' or '`') is double-quoted with '$', '`', '"' and '\\' escaped instead: the
 * same literal, but shellcheck (SC2016) takes a single-quoted one for a forgotten expansion. The only shell quoting in sitegen.
 */
export function shq(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  if (/`|\$[{(A-Za-z_]/.test(word)) return `"${word.replace(/[\\"$`]/g, "\\$&")}"`;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const shWords = (argv: readonly string[]): string => argv.map(shq).join(" ");
