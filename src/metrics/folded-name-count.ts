// Counts the distinct names a cardinality cap folded together, for the warning that says how many: remembers at
// most `tracked` of them (memory stays bounded), past which the count is a lower bound.

export class FoldedNameCount {
  private readonly seen = new Set<string>();
  private overflow = false;

  constructor(private readonly tracked = 100_000) {}

  add(name: string): void {
    if (this.overflow) return;
    this.seen.add(name);
    if (this.seen.size >= this.tracked) this.overflow = true;
  }

  /** Distinct names folded (a lower bound when `atLeast`). */
  get count(): number {
    return this.seen.size;
  }

  /** More names were folded than were remembered. */
  get atLeast(): boolean {
    return this.overflow;
  }
}
