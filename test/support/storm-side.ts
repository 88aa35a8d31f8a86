/**
 * Plays Storm's side of the multilang protocol against a real child process, for tests and benchmarks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { serializerNamed, type Serializer, type SerializerName } from "../../lib/protocol/serializer.ts";

const fromHere = path.resolve(new URL("../..", import.meta.url).pathname);
/** The repository root (benchmarks run bundled from a temp dir, so fall back to the working directory). */
export const ROOT = fs.existsSync(path.join(fromHere, "package.json")) ? fromHere : process.cwd();
export type Runtime = "node" | "bun" | "deno";
export const RUNTIMES: readonly Runtime[] = ["node", "bun", "deno"];
export const SERIALIZERS: readonly SerializerName[] = ["json", "msgpack"];

const bin = (name: string): string => path.join(ROOT, "node_modules", ".bin", name);

/** The argv that runs `squall component <module> <export>` under a runtime. */
export const componentCommand = (runtime: Runtime, module: string, exportName: string, serializer: SerializerName): string[] => {
  const args = ["component", module, exportName, "--serializer", serializer];
  switch (runtime) {
    case "node":
      return [process.execPath, path.join(ROOT, "dist/adapters/cli/main.js"), ...args];
    case "bun":
      return [bin("bun"), path.join(ROOT, "adapters/cli/main.ts"), ...args];
    case "deno":
      return [bin("deno"), "run", "-A", "--quiet", path.join(ROOT, "adapters/cli/main.ts"), ...args];
  }
};

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** A running component and a mailbox of what it sent. */
export class Child {
  readonly proc: ChildProcessWithoutNullStreams;
  readonly serializer: Serializer;
  readonly received: unknown[] = [];
  stderr = "";
  readonly exited: Promise<Exit>;
  readonly pidDir: string;
  private waiters: (() => void)[] = [];
  private decodeError: Error | undefined;

  constructor(argv: readonly string[], serializerName: SerializerName, options: { cwd?: string; env?: Record<string, string> } = {}) {
    this.serializer = serializerNamed(serializerName);
    this.pidDir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-pids-"));
    this.proc = spawn(argv[0]!, argv.slice(1), { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env, NO_COLOR: "1" }, stdio: "pipe" });
    const decoder = this.serializer.decoder();
    this.proc.stdout.on("data", (chunk: Buffer) => {
      try {
        for (const m of decoder.push(chunk)) this.received.push(m);
      } catch (error) {
        this.decodeError = error as Error;
      }
      this.wake();
    });
    this.proc.stderr.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
      this.wake();
    });
    this.exited = new Promise((resolve) => this.proc.on("exit", (code, signal) => {
      resolve({ code, signal });
      this.wake();
    }));
    this.proc.stdin.on("error", () => {}); // the child may exit before reading everything
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  send(message: unknown): void {
    this.proc.stdin.write(this.serializer.encode(message));
  }

  sendRaw(bytes: string | Uint8Array): void {
    this.proc.stdin.write(bytes);
  }

  handshake(conf: Record<string, unknown> = {}, context: Record<string, unknown> = {}): void {
    this.send({
      conf: { "topology.name": "conformance", ...conf },
      pidDir: this.pidDir,
      context: {
        "task->component": { "1": "sentences", "2": "under-test", "3": "downstream" },
        taskid: 2,
        componentid: "under-test",
        "source->stream->fields": { sentences: { default: ["value"], other: ["a", "b"] } },
        ...context,
      },
    });
  }

  /** Waits until `predicate` holds over everything received so far. */
  // 30 s: a child's start-up (Deno's or Bun's TypeScript load, Node's esbuild bundle) took over 15 s once under
  // the full suite's load in CI, next to a Storm cluster and a Kafka broker on 2 cores.
  async until<T>(what: string, predicate: (received: unknown[]) => T | undefined | false, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.decodeError) throw new Error(`child wrote something that is not a ${this.serializer.name} frame: ${this.decodeError.message}\nstderr: ${this.stderr}`);
      const result = predicate(this.received);
      if (result !== undefined && result !== false) return result;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(`timed out waiting for ${what}; received ${JSON.stringify(this.received).slice(0, 2000)}\nstderr: ${this.stderr}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for `count` messages after index `from`, returns them. */
  async take(from: number, count: number, what = `${count} messages`): Promise<unknown[]> {
    return this.until(what, (r) => (r.length >= from + count ? r.slice(from, from + count) : undefined));
  }

  /** Waits for the next message matching `predicate` at or after `from`. */
  async next(from: number, predicate: (m: any) => boolean, what: string): Promise<{ message: any; index: number }> {
    return this.until(what, (r) => {
      for (let i = from; i < r.length; i++) if (predicate(r[i])) return { message: r[i], index: i };
      return undefined;
    });
  }

  async exit(timeoutMs = 15_000): Promise<Exit> {
    const timer = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`child did not exit within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs));
    return Promise.race([this.exited, timer]);
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill("SIGKILL");
    fs.rmSync(this.pidDir, { recursive: true, force: true });
  }
}

export const commandsOf = (messages: readonly unknown[]): string[] =>
  messages.map((m) => (m && typeof m === "object" && "command" in m ? String((m as { command: unknown }).command) : Array.isArray(m) ? "[]" : "pid"));
