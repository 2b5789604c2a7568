// DeliveryTracker on a manual clock: expected from room membership, latency per receipt, duplicates, unexpected
// receipts, retirement after the grace period as lost, late joiners, failed handshakes, drains and the id cap.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeliveryTracker, type TrackedPeer } from '../../src/ws/delivery.ts';
import { WsMetrics } from '../../src/ws/metrics.ts';

function setup() {
  let now = 0;
  const metrics = new WsMetrics(() => now, 0);
  const tracker = new DeliveryTracker(metrics, () => now);
  const peer = (id: number, room?: string): TrackedPeer => ({ peerId: id, room, joinSeq: 0 });
  return { metrics, tracker, peer, at: (ms: number) => (now = ms) };
}

test('a room of 3: each message expected by the 2 others; latency recorded per receipt; a duplicate and the sender\'s echo counted apart', () => {
  const { metrics, tracker, peer, at } = setup();
  const [a, b, c] = [peer(1, 'r'), peer(2, 'r'), peer(3, 'r')];
  for (const p of [a, b, c]) tracker.join(p);
  const id = tracker.nextId();
  tracker.sent(id, a, 1000);
  at(5);
  tracker.received(id, b);
  at(7);
  tracker.received(id, c);
  tracker.received(id, c); // duplicate
  tracker.received(id, a); // the sender's own echo
  tracker.received('m-unknown', b);
  assert.deepEqual(metrics.delivery, { tracked: 1, expected: 2, delivered: 2, lost: 0, duplicated: 1, unexpected: 2 });
  assert.deepEqual([metrics.deliveryLatency.totalCount, metrics.deliveryLatency.minNonZeroValue, metrics.deliveryLatency.maxValue], [2, 5000, 7000]);
  assert.notEqual(tracker.nextId(), id, 'ids are unique');
});

test('missing receipts are lost when the grace period ends (in send order); a drain waits for delivery or retirement', async () => {
  const { metrics, tracker, peer, at } = setup();
  const [a, b] = [peer(1, 'r'), peer(2, 'r')];
  tracker.join(a);
  tracker.join(b);
  tracker.sending(a, 1);
  const first = tracker.nextId();
  tracker.sent(first, a, 100);
  at(50);
  tracker.sent(tracker.nextId(), a, 100);
  tracker.sending(a, -1);
  let drained = false;
  void tracker.drained(b)!.then(() => (drained = true));
  tracker.received(first, b);
  at(120);
  tracker.sweep();
  assert.equal(metrics.delivery.lost, 0, 'the second id is still within its grace');
  assert.equal(tracker.size, 1);
  at(151);
  tracker.sweep();
  await Promise.resolve();
  assert.equal(metrics.delivery.lost, 1);
  assert.equal(tracker.size, 0);
  assert.ok(drained, 'retirement settles the room');
  assert.equal(tracker.roomLost(b), 1);
});

test('a member whose handshake failed is taken out of what was sent meanwhile; a receipt from a member runner had not counted is expected after all', () => {
  const { metrics, tracker, peer } = setup();
  const [a, b, late, failed] = [peer(1, 'r'), peer(2, 'r'), peer(3, 'r'), peer(4, 'r')];
  tracker.join(a);
  tracker.join(b);
  tracker.join(failed);
  const id = tracker.nextId();
  tracker.sent(id, a, 1000);
  assert.equal(metrics.delivery.expected, 2);
  tracker.leave(failed, true);
  assert.equal(metrics.delivery.expected, 1);
  tracker.join(late); // joined (for runner) only after the send
  tracker.received(id, late);
  tracker.received(id, b);
  tracker.finish();
  assert.deepEqual(metrics.delivery, { tracked: 1, expected: 2, delivered: 2, lost: 0, duplicated: 0, unexpected: 0 });
});

test('without a room every other connection\'s receipt is a delivery and nothing is expected or lost', () => {
  const { metrics, tracker, peer } = setup();
  const [a, b] = [peer(1), peer(2)];
  const id = tracker.nextId();
  tracker.sent(id, a, 10);
  tracker.received(id, b);
  tracker.received(id, a);
  tracker.finish();
  assert.deepEqual(metrics.delivery, { tracked: 1, expected: 0, delivered: 1, lost: 0, duplicated: 0, unexpected: 1 });
});

test('the id table is bounded: past its cap the oldest id retires early (lost receipts counted) and the retirement is counted for a warning', () => {
  let now = 0;
  const metrics = new WsMetrics(() => now, 0);
  const tracker = new DeliveryTracker(metrics, () => now, 3);
  const a = { peerId: 1, room: 'r', joinSeq: 0 };
  const b = { peerId: 2, room: 'r', joinSeq: 0 };
  tracker.join(a);
  tracker.join(b);
  const ids = Array.from({ length: 5 }, () => {
    const id = tracker.nextId();
    tracker.sent(id, a, 60_000);
    return id;
  });
  assert.equal(tracker.size, 3);
  assert.equal(tracker.retiredEarly, 2);
  assert.equal(metrics.delivery.lost, 2);
  tracker.received(ids[0], b);
  assert.equal(metrics.delivery.unexpected, 1, 'a retired id is unknown');
});
