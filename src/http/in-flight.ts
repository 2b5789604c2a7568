// Tracks requests in flight and enforces their deadlines from one timer, so a timeout costs no timer of its
// own. Requests with the same timeout expire in start order: one list per timeout. The timer is armed for the
// earliest deadline, not on a fixed period: requests that end long before their timeout (nearly all) wake
// nothing up. (A 5 ms sweep fired 200 times a second in the middle of response processing; at 10 ms service
// and 3k req/s that was ~15 wake-ups per response cycle of each connection, for nothing.)

/** What the tracker needs of a request. The links are owned by the tracker. */
export interface Tracked {
  deadlineMs: number;
  prev: Tracked | null;
  next: Tracked | null;
  list: DeadlineList | null;
  expire(): void;
  abort(): void;
}

interface DeadlineList {
  head: Tracked | null;
  tail: Tracked | null;
}

/**
 * Longest the timer is armed ahead: it then looks again. Bounds how stale a deadline can get when the clock is not
 * the real one (a manual clock jumps), at one wake-up a second.
 */
const MAX_ARM_MS = 1_000;

export class InFlight {
  private readonly lists = new Map<number, DeadlineList>();
  private timer: NodeJS.Timeout | null = null;
  /** When the timer fires, on the `now` clock; Infinity when it is not armed. */
  private armedAtMs = Infinity;
  private readonly fire = (): void => {
    this.timer = null;
    this.armedAtMs = Infinity;
    this.sweep();
    if (this.size > 0) this.arm(this.earliestDeadline(), this.now());
  };
  size = 0;

  constructor(private readonly now: () => number) {}

  /** `startMs`: the caller's reading of `now` when it has just taken one (saves a clock read per request). */
  add(t: Tracked, timeoutMs: number, startMs = this.now()): void {
    let list = this.lists.get(timeoutMs);
    if (!list) {
      list = { head: null, tail: null };
      this.lists.set(timeoutMs, list);
    }
    t.deadlineMs = startMs + timeoutMs;
    t.list = list;
    t.prev = list.tail;
    t.next = null;
    if (list.tail) list.tail.next = t;
    else list.head = t;
    list.tail = t;
    this.size++;
    // Usually the timer is armed for an earlier request of the same list: one comparison, no timer work.
    if (t.deadlineMs < this.armedAtMs) this.arm(t.deadlineMs, startMs);
  }

  remove(t: Tracked): void {
    const list = t.list;
    if (!list) return;
    if (t.prev) t.prev.next = t.next;
    else list.head = t.next;
    if (t.next) t.next.prev = t.prev;
    else list.tail = t.prev;
    t.prev = t.next = null;
    t.list = null;
    this.size--;
  }

  sweep(): void {
    const now = this.now();
    for (const list of this.lists.values()) {
      while (list.head && list.head.deadlineMs <= now) {
        const t = list.head;
        this.remove(t);
        t.expire();
      }
    }
    if (this.size === 0) this.stop();
  }

  /** Aborts every request in flight (a hard stop). */
  abortAll(): void {
    for (const list of this.lists.values()) {
      while (list.head) {
        const t = list.head;
        this.remove(t);
        t.abort();
      }
    }
    this.stop();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.armedAtMs = Infinity;
  }

  /** Arms the one timer for `deadlineMs` (at most MAX_ARM_MS ahead of `nowMs`), replacing a later one. */
  private arm(deadlineMs: number, nowMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    const delayMs = Math.min(Math.max(0, Math.ceil(deadlineMs - nowMs)), MAX_ARM_MS);
    this.armedAtMs = nowMs + delayMs;
    this.timer = setTimeout(this.fire, delayMs);
    this.timer.unref();
  }

  private earliestDeadline(): number {
    let earliest = Infinity;
    for (const list of this.lists.values()) if (list.head && list.head.deadlineMs < earliest) earliest = list.head.deadlineMs;
    return earliest;
  }
}
