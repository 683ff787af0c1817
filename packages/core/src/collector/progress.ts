/** How far one phase of a collection has got: `done` of `total` items (the total may grow as listings arrive). */
export interface PhaseCount {
  phase: string;
  done: number;
  total: number;
}

/** A collection's progress: every phase seen so far, in the order they began, and the calls made. */
export interface CollectionProgress extends PhaseCount {
  /** Every phase seen so far, in the order they began; the event's own phase is one of them. */
  phases: readonly PhaseCount[];
  /** API requests made so far (pages and retries count). */
  calls: number;
}

/**
 * Counts a collector's phases (scopes, regions, buckets, servers…) across all its scopes, so that a
 * collection of many accounts or projects reports one total per phase rather than one phase per
 * scope. Each change is reported at once; the reader decides how often to draw it.
 */
export class PhaseProgress {
  private readonly phases = new Map<string, PhaseCount>();

  constructor(
    private readonly report: ((progress: CollectionProgress) => void) | undefined,
    private readonly calls: () => number = () => 0,
  ) {}

  /** `count` more items of `phase` are to be done (a listing found them). */
  expect(phase: string, count: number): void {
    const p = this.phase(phase);
    p.total += count;
    this.emit(p);
  }

  /** `count` items of `phase` are done, whatever their outcome. */
  done(phase: string, count = 1): void {
    const p = this.phase(phase);
    p.done += count;
    this.emit(p);
  }

  private phase(name: string): PhaseCount {
    let p = this.phases.get(name);
    if (!p) {
      p = { phase: name, done: 0, total: 0 };
      this.phases.set(name, p);
    }
    return p;
  }

  private emit(p: PhaseCount): void {
    if (!this.report) return;
    const phases = [...this.phases.values()].map((q) => ({ ...q }));
    this.report({ phase: p.phase, done: p.done, total: p.total, phases, calls: this.calls() });
  }
}
