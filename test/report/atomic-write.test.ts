// The one atomic write: through a symbolic link, never over a FIFO, keeping an existing file's permission bits.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { linkSync, lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { writeFileAtomic } from '../../src/report/atomic-write.ts';

const dir = mkdtempSync(join(tmpdir(), 'runner-atomic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('writeFileAtomic keeps the permission bits of the file it replaces', async () => {
  const path = join(dir, 'private.json');
  writeFileSync(path, 'old', { mode: 0o600 });
  await writeFileAtomic(path, 'new');
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.equal(statSync(path).mode & 0o777, 0o600);
});

test('writeFileAtomic writes through a symbolic link and leaves no temp file', async () => {
  const sub = mkdtempSync(join(dir, 'link-'));
  const real = join(sub, 'real.json');
  writeFileSync(real, 'old');
  symlinkSync(real, join(sub, 'link.json'));
  await writeFileAtomic(join(sub, 'link.json'), 'new');
  assert.ok(lstatSync(join(sub, 'link.json')).isSymbolicLink());
  assert.equal(readFileSync(real, 'utf8'), 'new');
  assert.deepEqual(readdirSync(sub).sort(), ['link.json', 'real.json']);
});

test('writeFileAtomic refuses to replace a FIFO', async () => {
  const fifo = join(dir, 'pipe');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(writeFileAtomic(fifo, 'x'), /not a regular file/);
  assert.ok(lstatSync(fifo).isFIFO());
});

test('writeFileAtomic onto a file with another hard link rewrites it in place: the link sees the new text', async () => {
  const sub = mkdtempSync(join(dir, 'hard-'));
  const path = join(sub, 'result.json');
  const other = join(sub, 'other-link.json');
  writeFileSync(path, 'old old old old', { mode: 0o640 });
  linkSync(path, other);
  const inode = statSync(path).ino;
  await writeFileAtomic(path, 'new');
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.equal(readFileSync(other, 'utf8'), 'new', 'the other hard link still points to the same file');
  assert.equal(statSync(path).ino, inode);
  assert.equal(statSync(path).nlink, 2);
  assert.equal(statSync(path).mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(sub).sort(), ['other-link.json', 'result.json'], 'no temp file left');
});

test('writeFileAtomic onto a file with one link still replaces it by rename (a new inode, never half-written)', async () => {
  const sub = mkdtempSync(join(dir, 'single-'));
  const path = join(sub, 'result.json');
  writeFileSync(path, 'old');
  const inode = statSync(path).ino;
  await writeFileAtomic(path, 'new');
  assert.equal(readFileSync(path, 'utf8'), 'new');
  assert.notEqual(statSync(path).ino, inode);
});
