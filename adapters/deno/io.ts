/**
 * Deno implementation of ComponentIO, on Deno's own APIs. Components need --allow-read and
 * --allow-write (pid file, logs) and --allow-env (or simply -A).
 * @module
 */
import type { ComponentIO, FileSystem } from "../../lib/io.ts";

interface DenoWriter {
  writeSync(p: Uint8Array): number;
  write(p: Uint8Array): Promise<number>;
}
interface DenoApi {
  readonly pid: number;
  readonly stdin: { readonly readable: ReadableStream<Uint8Array> };
  readonly stdout: DenoWriter;
  readonly stderr: DenoWriter;
  writeFileSync(path: string, data: Uint8Array, options?: { append?: boolean }): void;
  writeTextFileSync(path: string, data: string, options?: { append?: boolean }): void;
  statSync(path: string): { size: number };
  renameSync(from: string, to: string): void;
  removeSync(path: string): void;
  mkdirSync(path: string, options?: { recursive?: boolean }): void;
  exit(code: number): never;
  readonly errors: { readonly NotFound: new () => Error };
}

const deno = (): DenoApi => {
  const api = (globalThis as unknown as { Deno?: DenoApi }).Deno;
  if (!api) throw new Error("adapters/deno: not running under Deno");
  return api;
};

const dirname = (file: string): string => {
  const i = file.lastIndexOf("/");
  return i <= 0 ? "." : file.slice(0, i);
};

const writeAll = (writer: DenoWriter, bytes: Uint8Array): void => {
  let offset = 0;
  while (offset < bytes.length) offset += writer.writeSync(bytes.subarray(offset));
};

export const denoIO = (): ComponentIO => {
  const D = deno();
  const stdoutWrite = D.stdout.writeSync.bind(D.stdout);
  const stdout: DenoWriter = { writeSync: stdoutWrite, write: D.stdout.write.bind(D.stdout) };
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const fs: FileSystem = {
    touch: (file) => {
      D.mkdirSync(dirname(file), { recursive: true });
      D.writeFileSync(file, new Uint8Array());
    },
    append: (file, text) => {
      try {
        D.writeTextFileSync(file, text, { append: true });
      } catch (error) {
        if (!(error instanceof D.errors.NotFound)) throw error;
        D.mkdirSync(dirname(file), { recursive: true });
        D.writeTextFileSync(file, text, { append: true });
      }
    },
    size: (file) => {
      try {
        return D.statSync(file).size;
      } catch {
        return -1;
      }
    },
    rename: (from, to) => D.renameSync(from, to),
    remove: (file) => {
      try {
        D.removeSync(file);
      } catch (error) {
        if (!(error instanceof D.errors.NotFound)) throw error;
      }
    },
  };
  return {
    runtime: "deno",
    pid: D.pid,
    fs,
    stdin: () => D.stdin.readable as unknown as AsyncIterable<Uint8Array>,
    writeStdout: (bytes) => writeAll(stdout, bytes),
    writeStderr: (text) => writeAll(D.stderr, encoder.encode(text)),
    guardStdout: (redirect) => {
      const out = D.stdout as unknown as Record<string, unknown>;
      out["writeSync"] = (p: Uint8Array) => {
        redirect(decoder.decode(p));
        return p.length;
      };
      out["write"] = (p: Uint8Array) => {
        redirect(decoder.decode(p));
        return Promise.resolve(p.length);
      };
      // node:process compatibility (npm code under Deno may write there).
      const proc = (globalThis as unknown as { process?: { stdout?: { write?: unknown } } }).process;
      if (proc?.stdout) {
        proc.stdout.write = (chunk: unknown) => {
          redirect(typeof chunk === "string" ? chunk : decoder.decode(chunk as Uint8Array));
          return true;
        };
      }
    },
    exit: (code) => D.exit(code),
  };
};
