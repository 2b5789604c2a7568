// The one atomic write: through a symbolic link, never over a FIFO, keeping an existing file's permission bits.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
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
