/** Closest candidate by edit distance, for did-you-mean hints (undefined if nothing is close). */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const c = closest(word, candidates);
  return c ? `did you mean '${c}'?` : undefined;
}

/**
 * A shorter name that fits in max characters, as a suggestion only (sitegen never renames silently):
 * vowels after a word's first letter go first, longest word first, then letters from the end of the
 * longest word. Fuel cut names past 13 characters and appended a hash; a reader cannot tell those apart.
 */
export function shorten(name: string, max: number): string {
  const parts = name.split(/([-_])/);
  const isWord = (s: string) => s !== "-" && s !== "_" && s.length > 0;
  const len = () => parts.join("").length;
  const longest = (ok: (w: string) => boolean) => {
    let best = -1;
    parts.forEach((w, i) => {
      if (isWord(w) && ok(w) && (best < 0 || w.length > parts[best]!.length)) best = i;
    });
    return best;
  };
  for (let i = longest((w) => /.[aeiou]/.test(w)); len() > max && i >= 0; i = longest((w) => /.[aeiou]/.test(w))) {
    parts[i] = parts[i]![0] + parts[i]!.slice(1).replace(/[aeiou]/g, "");
  }
  for (let i = longest((w) => w.length > 1); len() > max && i >= 0; i = longest((w) => w.length > 1)) parts[i] = parts[i]!.slice(0, -1);
  return parts.join("").slice(0, max);
}
