/**
 * The results of a pure function of one text, kept for the life of the process: a process that
 * renders several fleets (`npm run diff`'s two sides, `npm run rollout`, a test file) serializes,
 * validates and reads back each distinct object once instead of once per render. The key is the
 * whole text the result is computed from, so a changed object is always computed afresh. Emptied
 * once it holds `limit` entries, so a long-lived process never grows it without bound.
 */
export class TextMemo<T> {
  private readonly entries = new Map<string, T>();

  constructor(private readonly limit = 10_000) {}

  get(text: string, compute: (text: string) => T): T {
    let value = this.entries.get(text);
    if (value === undefined) {
      if (this.entries.size >= this.limit) this.entries.clear();
      value = compute(text);
      this.entries.set(text, value);
    }
    return value;
  }
}
