/**
 * Node.js implementation of ComponentIO (also the base of the Bun adapter, which shares node:fs).
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ComponentIO, FileSystem, RuntimeName } from "../../lib/io.ts";

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `bytes` to a file descriptor, waiting out EAGAIN on a non-blocking pipe. */
export const writeAllSync = (fd: number, bytes: Uint8Array): void => {
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += fs.writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EAGAIN") throw error;
      Atomics.wait(sleeper, 0, 0, 1);
    }
  }
};

export const nodeFileSystem: FileSystem = {
  touch: (file) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, "");
  },
  append: (file, text) => {
    try {
      fs.appendFileSync(file, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.appendFileSync(file, text);
    }
  },
  size: (file) => {
    try {
      return fs.statSync(file).size;
    } catch {
      return -1;
    }
  },
  rename: (from, to) => fs.renameSync(from, to),
  remove: (file) => fs.rmSync(file, { force: true }),
};

const encoder = new TextEncoder();

export const nodeLikeIO = (runtime: RuntimeName, stdin: () => AsyncIterable<Uint8Array>): ComponentIO => ({
  runtime,
  pid: process.pid,
  fs: nodeFileSystem,
  stdin,
  writeStdout: (bytes) => writeAllSync(1, bytes),
  writeStderr: (text) => writeAllSync(2, encoder.encode(text)),
  guardStdout: (redirect) => {
    const guarded = (chunk: unknown, encoding?: unknown, callback?: unknown): boolean => {
      const text = typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(typeof encoding === "string" ? (encoding as BufferEncoding) : "utf8");
      redirect(text);
      const done = typeof encoding === "function" ? encoding : callback;
      if (typeof done === "function") queueMicrotask(() => (done as () => void)());
      return true;
    };
    process.stdout.write = guarded as typeof process.stdout.write;
  },
  exit: (code) => process.exit(code),
});

/** The Node.js component IO. */
export const nodeIO = (): ComponentIO => nodeLikeIO("node", () => process.stdin);
