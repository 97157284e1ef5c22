const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one word for POSIX shells: bare when it is safe, else single-quoted. The only shell quoting in sitegen. */
export function shq(word: string): string {
  if (word !== "" && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export const shWords = (argv: readonly string[]): string => argv.map(shq).join(" ");
