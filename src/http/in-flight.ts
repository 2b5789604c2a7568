// Tracks requests in flight and enforces their deadlines from one coarse timer, so a timeout costs
// no timer of its own. Requests with the same timeout expire in start order: one list per timeout.

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

/** How often deadlines are checked: a timeout fires at most this late. */
const SWEEP_MS = 5;

export class InFlight {
  private readonly lists = new Map<number, DeadlineList>();
  private timer: NodeJS.Timeout | null = null;
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
    if (!this.timer) {
      this.timer = setInterval(() => this.sweep(), SWEEP_MS);
      this.timer.unref();
    }
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
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
