// The one way runner writes a whole file (result, summary export, HTML report): readers never see half of it.
import { randomBytes } from 'node:crypto';
import { open, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The file a write to `path` must replace: the path itself, or what a symbolic link at it points to. */
async function writeTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return path;
    throw err;
  }
}

/**
 * Writes `text` to `path` through a temp file in the same folder (rename is atomic only within one file system),
 * fsync, then rename. A symbolic link is written through (its target is replaced, the link stays); anything but a
 * regular file (a FIFO, a device) is refused rather than replaced by one; a file that exists keeps its permission
 * bits (a private 0600 result does not become world-readable by being rewritten). A file with other hard links is
 * rewritten in place (truncate, write, fsync): a rename would give `path` a new inode and leave the other links
 * holding the old text. That write is not atomic; keeping the link is what the user asked for by making it.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  const target = await writeTarget(path);
  const existing = await stat(target).catch(() => undefined);
  if (existing !== undefined && !existing.isFile()) {
    throw Object.assign(new Error(`${path} is not a regular file; refusing to replace it`), { code: 'EINVAL' });
  }
  if (existing !== undefined && existing.nlink > 1) return writeInPlace(target, text);
  const tmpPath = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fh = await open(tmpPath, 'wx');
    try {
      if (existing !== undefined) await fh.chmod(existing.mode & 0o7777);
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmpPath, target);
  } catch (err) {
    await unlink(tmpPath).catch(() => undefined);
    throw err;
  }
}

/** Truncates and rewrites the file at `path` (same inode, so every hard link sees the new text), then fsyncs. */
async function writeInPlace(path: string, text: string): Promise<void> {
  // 'r+' never creates: if the file vanished since stat, this fails instead of writing a new, unlinked file.
  const fh = await open(path, 'r+');
  try {
    await fh.truncate(0);
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}
