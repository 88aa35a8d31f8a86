/**
 * What a component process needs from its runtime. lib/ only sees this interface; adapters/node,
 * adapters/bun and adapters/deno implement it.
 *
 * @module
 */

export type RuntimeName = "node" | "bun" | "deno";

/** Files, for pid files and rotating logs. Paths are relative to the working directory or absolute. */
export interface FileSystem {
  /** Creates (or truncates) an empty file. */
  touch(path: string): void;
  /** Appends text, creating the file and its directory when missing. */
  append(path: string, text: string): void;
  /** Size in bytes, or -1 when the file does not exist. */
  size(path: string): number;
  rename(from: string, to: string): void;
  remove(path: string): void;
}

export interface ComponentIO {
  readonly runtime: RuntimeName;
  readonly pid: number;
  readonly fs: FileSystem;
  /** The protocol channel from Storm. */
  stdin(): AsyncIterable<Uint8Array>;
  /** Writes protocol bytes to stdout, completely, before returning. */
  writeStdout(bytes: Uint8Array): void;
  writeStderr(text: string): void;
  /**
   * Sends anything user code writes to stdout (console.log, process.stdout.write, ...) to `redirect`
   * instead, so that nothing but protocol messages ever reaches the channel.
   */
  guardStdout(redirect: (text: string) => void): void;
  exit(code: number): never;
}
