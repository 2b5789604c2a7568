// Delivery tracking: every message sent with a `{{$msgId}}` is noted with its send time and its room; each
// receipt of a known id by an expected receiver records the delivery latency. Ids retire after their grace
// period (counted lost when receipts are missing), so the table holds at most rate × grace entries.
import type { WsMetrics } from './metrics.ts';

/** What the tracker needs to know about a connection. */
export interface TrackedPeer {
  /** Unique within the run. */
  readonly peerId: number;
  /** The delivery room (rendered `track.room`); undefined: not in a room. */
  readonly room: string | undefined;
  /** The tracker's send sequence when this peer joined its room: it expects messages sent after that. */
  joinSeq: number;
}

interface Entry {
  seq: number;
  sentAtMs: number;
  deadlineMs: number;
  sender: number;
  room: string | undefined;
  /** Receipts expected; -1 when the room is unknown (then every other peer's receipt is a delivery). */
  expected: number;
  got: number;
  /** Peers that received it, for duplicates. */
  receivers: number[];
}

interface RoomState {
  members: number;
  /** Members inside a send step now. */
  sending: number;
  /** Tracked messages of this room still missing receipts. */
  pending: number;
  /** Receipts of this room's messages counted lost. */
  lost: number;
  /** Resolvers of `drain` waits, called whenever `sending` and `pending` both reach 0. */
  waiters: (() => void)[];
}

/** Above this many tracked ids the oldest are retired early (a warning says so): memory stays bounded. */
export const MAX_TRACKED_IDS = 1_000_000;

export class DeliveryTracker {
  private readonly entries = new Map<string, Entry>();
  private readonly rooms = new Map<string, RoomState>();
  private seq = 0;
  private idCount = 0;
  /** Ids retired before their grace period ended because the table was full. */
  retiredEarly = 0;
  private readonly prefix: string;

  constructor(
    private readonly metrics: WsMetrics,
    private readonly now: () => number,
    /** Ids kept at most (MAX_TRACKED_IDS; tests use a small one). */
    private readonly maxIds = MAX_TRACKED_IDS,
  ) {
    // A run prefix keeps ids of two runs against one server apart: another run's message is `unexpected`.
    this.prefix = `m${Math.floor(Math.random() * 36 ** 4).toString(36).padStart(4, '0')}-`;
  }

  /** A fresh id, unique within the run. */
  nextId(): string {
    return this.prefix + (++this.idCount).toString(36);
  }

  join(peer: TrackedPeer): void {
    peer.joinSeq = this.seq;
    if (peer.room !== undefined) this.room(peer.room).members++;
  }

  /**
   * The peer left its room. `neverOpened`: its handshake failed, so the messages sent in the room since it
   * started connecting never counted on it after all (a member joins when its connect starts: the server adds
   * it before runner sees the handshake answer, and the others may already send to it then).
   */
  leave(peer: TrackedPeer, neverOpened = false): void {
    if (peer.room === undefined) return;
    const r = this.rooms.get(peer.room);
    if (r) r.members--;
    if (!neverOpened || this.seq === peer.joinSeq) return;
    for (const e of this.entries.values()) {
      if (e.seq <= peer.joinSeq || e.room !== peer.room || e.sender === peer.peerId || e.expected <= 0) continue;
      e.expected--;
      this.metrics.delivery.expected--;
      if (e.got === e.expected) this.settled(e);
    }
  }

  /** The peer starts (+1) or ends (-1) a send step: a room is drained only when nobody in it is sending. */
  sending(peer: TrackedPeer, delta: 1 | -1): void {
    if (peer.room === undefined) return;
    const r = this.room(peer.room);
    r.sending += delta;
    if (delta < 0) this.wake(r);
  }

  /** Notes a tracked message sent now with `id` (from nextId()). */
  sent(id: string, peer: TrackedPeer, graceMs: number): void {
    const seq = ++this.seq;
    const at = this.now();
    let expected = -1;
    if (peer.room !== undefined) {
      const r = this.room(peer.room);
      expected = r.members - 1;
      if (expected > 0) r.pending++;
    }
    this.metrics.delivery.tracked++;
    if (expected > 0) this.metrics.delivery.expected += expected;
    if (this.entries.size >= this.maxIds) this.retireOldest();
    this.entries.set(id, { seq, sentAtMs: at, deadlineMs: at + graceMs, sender: peer.peerId, room: peer.room, expected, got: 0, receivers: [] });
  }

  /** A message carrying `id` arrived at `peer`. */
  received(id: string, peer: TrackedPeer): void {
    const e = this.entries.get(id);
    if (e === undefined) {
      this.metrics.delivery.unexpected++;
      return;
    }
    if (e.receivers.includes(peer.peerId)) {
      this.metrics.delivery.duplicated++;
      return;
    }
    e.receivers.push(peer.peerId);
    const latencyUs = (this.now() - e.sentAtMs) * 1000;
    if (e.expected < 0) {
      if (peer.peerId === e.sender) this.metrics.delivery.unexpected++;
      else this.metrics.delivered(latencyUs);
      return;
    }
    // Expected: same room, not the sender itself.
    if (peer.peerId === e.sender || peer.room !== e.room) {
      this.metrics.delivery.unexpected++;
      return;
    }
    this.metrics.delivered(latencyUs);
    if (peer.joinSeq >= e.seq || e.got >= e.expected) {
      // A member that started connecting only after the send, yet got it: the receipt proves it was in the
      // room, so it was expected after all (expected and delivered grow together; pending does not change).
      e.expected++;
      e.got++;
      this.metrics.delivery.expected++;
      return;
    }
    e.got++;
    if (e.got === e.expected) this.settled(e);
  }

  /** Resolves when nobody in the peer's room is sending and every tracked message of the room has arrived everywhere. */
  drained(peer: TrackedPeer): Promise<void> | undefined {
    if (peer.room === undefined) return undefined;
    const r = this.room(peer.room);
    if (r.sending === 0 && r.pending === 0) return undefined;
    return new Promise((resolve) => r.waiters.push(resolve));
  }

  /** Receipts lost so far in the peer's room. */
  roomLost(peer: TrackedPeer): number {
    return peer.room === undefined ? 0 : (this.rooms.get(peer.room)?.lost ?? 0);
  }

  /** Forgets a drain waiter that timed out. */
  cancelDrain(peer: TrackedPeer, resolve: () => void): void {
    const r = peer.room === undefined ? undefined : this.rooms.get(peer.room);
    if (r) r.waiters = r.waiters.filter((w) => w !== resolve);
  }

  /** Retires ids whose grace period has ended (in send order); missing receipts count as lost. */
  sweep(): void {
    const now = this.now();
    for (const [id, e] of this.entries) {
      if (e.deadlineMs > now) break;
      this.retire(id, e);
    }
  }

  /** The run is over: every id retires now. */
  finish(): void {
    for (const [id, e] of this.entries) this.retire(id, e);
  }

  get size(): number {
    return this.entries.size;
  }

  private retireOldest(): void {
    for (const [id, e] of this.entries) {
      this.retire(id, e);
      this.retiredEarly++;
      return;
    }
  }

  private retire(id: string, e: Entry): void {
    this.entries.delete(id);
    if (e.expected > 0 && e.got < e.expected) {
      this.metrics.delivery.lost += e.expected - e.got;
      if (e.room !== undefined) this.room(e.room).lost += e.expected - e.got;
      this.settled(e);
    }
  }

  /** An entry stopped being pending (all receipts, or retired). */
  private settled(e: Entry): void {
    if (e.room === undefined) return;
    const r = this.rooms.get(e.room);
    if (!r) return;
    r.pending--;
    this.wake(r);
  }

  private wake(r: RoomState): void {
    if (r.sending !== 0 || r.pending !== 0 || r.waiters.length === 0) return;
    const waiters = r.waiters;
    r.waiters = [];
    for (const w of waiters) w();
  }

  private room(name: string): RoomState {
    let r = this.rooms.get(name);
    if (!r) this.rooms.set(name, (r = { members: 0, sending: 0, pending: 0, lost: 0, waiters: [] }));
    return r;
  }
}
