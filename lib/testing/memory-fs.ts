/**
 * An in-memory file system for components under test: pid files and log files land here.
 * @module
 */
import type { FileSystem } from "../io.ts";

/** A FileSystem kept in a Map (path -> contents). */
export class MemoryFs implements FileSystem {
  readonly files = new Map<string, string>();
  touch(path: string): void {
    this.files.set(path, "");
  }
  append(path: string, text: string): void {
    this.files.set(path, (this.files.get(path) ?? "") + text);
  }
  size(path: string): number {
    const f = this.files.get(path);
    return f === undefined ? -1 : f.length;
  }
  rename(from: string, to: string): void {
    const f = this.files.get(from);
    if (f === undefined) throw new Error(`MemoryFs.rename: no file ${from}`);
    this.files.delete(from);
    this.files.set(to, f);
  }
  remove(path: string): void {
    this.files.delete(path);
  }
}
