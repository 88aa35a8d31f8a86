/**
 * `squall run`: one real process per task, the EngineCore playing Storm between them.
 *
 * The core (lib/engine) is pure; this file gives it processes, pipes, wall-clock timers, log files,
 * signals and the terminal. The work per message is: decode (the protocol's incremental decoders),
 * core.receive, encode into per-task batching writers flushed once per event-loop turn.
 * @module
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EngineCore } from "../../lib/engine/core.ts";
import type { MetricsSnapshot } from "../../lib/engine/metrics.ts";
import { planTopology, type Plan } from "../../lib/engine/plan.ts";
import { seededRandom } from "../../lib/engine/random.ts";
import type { Scheduler } from "../../lib/engine/scheduler.ts";
import { RotatingFile } from "../../lib/component/logger.ts";
import type { RuntimeName } from "../../lib/io.ts";
import { serializerNamed, type FrameWriter, type SerializerName } from "../../lib/protocol/serializer.ts";
import type { TopologyDescription } from "../../lib/topology/description.ts";
import { nodeFileSystem } from "../node/io.ts";
import { componentArgv, runtimeBinary } from "./processes.ts";

export interface RunnerOptions {
  /** The bundle folder (holds squall-topology.mjs and components/). */
  readonly bundleDir: string;
  /** The topology as the module describes it (squall components still of kind "squall"). */
  readonly description: TopologyDescription;
  /** squall's folder (to find bun / deno binaries). */
  readonly root: string;
  readonly runtime: RuntimeName;
  readonly serializer: SerializerName;
  /** Config overrides (`-o key=value`). */
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Folder for per-task logs (default ./logs). */
  readonly logDir?: string;
  /** Folder the topology module lives in (cwd of shell components). */
  readonly moduleDir?: string;
  /** Messages for humans: warnings, errors, lifecycle. */
  readonly message?: (text: string, level: "info" | "warn" | "error") => void;
  readonly seed?: number;
}

export interface TaskProcess {
  readonly task: number;
  readonly component: string;
  /** A spout task (its commands are flushed first). */
  readonly spout: boolean;
  pid: number | undefined;
  child: ChildProcess | undefined;
  writer: FrameWriter | undefined;
  ready: boolean;
  /** It answered a handshake at least once. */
  everReady: boolean;
  /** Consecutive exits before the handshake was answered. */
  startFailures: number;
  stderrTail: string;
  readonly stderrLog: RotatingFile;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
  spawnedAt: number;
  /** Some incarnation outlived the start-up grace period. */
  everLived: boolean;
}

export interface RunSummary {
  readonly snapshot: MetricsSnapshot;
  /** 0 = clean; 1 = a task could not start, or the run failed. */
  readonly exitCode: number;
  readonly reason: string;
}

const wallClock: Scheduler = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Messages that crash a task past this many times in a row, before it ever started, end the run. */
const MAX_START_FAILURES = 3;
/** Exiting on its own this soon after start counts as failing to start. */
const START_GRACE_MS = 1500;

export class LocalRunner {
  readonly plan: Plan;
  readonly core: EngineCore;
  readonly tasks = new Map<number, TaskProcess>();
  readonly logDir: string;
  private readonly pidDir: string;
  private readonly binary: string;
  private readonly dirty = new Set<TaskProcess>();
  private readonly dirtySpouts = new Set<TaskProcess>();
  private flushScheduled = false;
  private stopping = false;
  private fatal: string | undefined;
  private readonly fatalWaiters: ((reason: string) => void)[] = [];
  private readonly message: NonNullable<RunnerOptions["message"]>;

  constructor(private readonly options: RunnerOptions) {
    this.logDir = path.resolve(options.logDir ?? "logs");
    fs.mkdirSync(this.logDir, { recursive: true });
    this.pidDir = fs.mkdtempSync(path.join(os.tmpdir(), "squall-pids-"));
    this.message = options.message ?? (() => {});
    const overrides: Record<string, unknown> = {
      "squall.log.dir": this.logDir,
      "squall.log.to": "both",
      ...options.overrides,
    };
    this.plan = planTopology(options.description, overrides);
    this.binary = runtimeBinary(options.runtime, options.root);
    this.core = new EngineCore(
      this.plan,
      { send: (task, message) => this.send(task, message), kill: (task, why) => this.kill(task, why) },
      wallClock,
      seededRandom(options.seed ?? Date.now()),
      {
        ready: (task, pid) => {
          const t = this.tasks.get(task)!;
          t.ready = true;
          t.everReady = true;
          t.pid = pid;
        },
        log: (task, level, msg) => {
          if (level >= 3) this.message(`${this.label(task)} ${level >= 4 ? "ERROR" : "WARN"} ${msg}`, level >= 4 ? "error" : "warn");
        },
        error: (task, msg, source) => this.message(source === "engine" ? `squall: ${msg}` : `${this.label(task)} error: ${msg}`, "error"),
      },
      { pidDir: this.pidDir },
    );
    const topology = this.plan.description.name;
    for (const [task, tp] of this.plan.tasks) {
      this.tasks.set(task, {
        task,
        component: tp.component.id,
        spout: tp.component.type === "spout",
        pid: undefined,
        child: undefined,
        writer: undefined,
        ready: false,
        everReady: false,
        startFailures: 0,
        stderrTail: "",
        stderrLog: new RotatingFile(nodeFileSystem, path.join(this.logDir, `${topology}_${tp.component.id}_${task}.stderr.log`), 5_000_000, 5),
        restartTimer: undefined,
        spawnedAt: 0,
        everLived: false,
      });
    }
  }

  private label(task: number): string {
    return `[${this.tasks.get(task)?.component ?? "?"}:${task}]`;
  }

  /** Starts every task. */
  start(): void {
    for (const t of this.tasks.values()) this.spawn(t);
  }

  private argvFor(t: TaskProcess): { argv: string[]; cwd: string } {
    const impl = this.plan.components.get(t.component)!.implementation;
    if (impl.kind === "shell") return { argv: [impl.command, impl.script], cwd: this.options.moduleDir ?? process.cwd() };
    const script = path.join("components", `${t.component}.mjs`);
    return { argv: componentArgv(this.options.runtime, this.binary, script), cwd: this.options.bundleDir };
  }

  private spawn(t: TaskProcess): void {
    const { argv, cwd } = this.argvFor(t);
    const serializer = serializerNamed(this.options.serializer);
    let child: ChildProcess;
    try {
      child = spawn(argv[0]!, argv.slice(1), {
        cwd,
        stdio: ["pipe", "pipe", "pipe"],
        env: { ...process.env, SQUALL_SERIALIZER: this.options.serializer, NO_COLOR: "1" },
      });
    } catch (error) {
      this.fail(`cannot start ${this.label(t.task)} (${argv.join(" ")}): ${(error as Error).message}`);
      return;
    }
    t.child = child;
    t.spawnedAt = performance.now();
    t.ready = false;
    t.pid = child.pid;
    t.stderrTail = "";
    const writer = serializer.writer((bytes) => {
      if (child.stdin && !child.stdin.destroyed) child.stdin.write(bytes);
    });
    t.writer = writer;
    const decoder = serializer.decoder();
    child.stdin!.on("error", () => {}); // EPIPE when it died: the exit handler deals with it
    child.stdout!.on("data", (chunk: Uint8Array) => {
      if (t.child !== child) return;
      let messages: unknown[];
      try {
        messages = decoder.push(chunk);
      } catch (error) {
        this.message(`squall: ${this.label(t.task)} sent a malformed frame: ${(error as Error).message}; killing it`, "error");
        child.kill("SIGKILL");
        return;
      }
      for (const m of messages) this.core.receive(t.task, m);
    });
    child.stderr!.on("data", (chunk: Uint8Array) => {
      const text = Buffer.from(chunk).toString("utf8");
      t.stderrLog.write(text);
      t.stderrTail = (t.stderrTail + text).slice(-4000);
      if (!this.stopping || /error|fail|exception/i.test(text)) {
        for (const line of text.split("\n")) if (line.trim() !== "" && !/stdin closed by Storm/.test(line)) this.message(`${this.label(t.task)} ${line}`, "warn");
      }
    });
    child.on("error", (error) => {
      if (t.child !== child) return;
      this.fail(`cannot start ${this.label(t.task)} with \`${argv.join(" ")}\` (cwd ${cwd}): ${error.message}; is ${this.options.runtime} installed?`);
    });
    child.on("exit", (code, signal) => this.exited(t, child, code, signal));
    this.core.attach(t.task);
  }

  private exited(t: TaskProcess, child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (t.child !== child) return;
    t.child = undefined;
    t.writer = undefined;
    this.dirty.delete(t);
    this.dirtySpouts.delete(t);
    const wasReady = t.ready;
    t.ready = false;
    this.core.taskDied(t.task);
    if (this.stopping) return;
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    // A process that exits on its own before answering the handshake, or within the grace period
    // (initialize() runs after the handshake), failed to start: fatal the first time, else after
    // MAX_START_FAILURES in a row. Kills by signal (the user's, or ours) are always restarted.
    const quick = signal === null && (!wasReady || performance.now() - t.spawnedAt < START_GRACE_MS);
    if (quick) {
      t.startFailures++;
      const tail = t.stderrTail.trim().split("\n").slice(-15).join("\n    ");
      if (t.startFailures >= MAX_START_FAILURES || !t.everLived) {
        this.fail(`component "${t.component}" (task ${t.task}) ${how} before it started${tail ? `:\n    ${tail}` : " (no output)"}\n  its log: ${t.stderrLog.path}`);
        return;
      }
    } else {
      t.everLived ||= wasReady;
      t.startFailures = 0;
    }
    const delay = Math.min(5000, 100 * 2 ** t.startFailures);
    this.message(`squall: ${this.label(t.task)} ${how}; its in-flight tuples failed (their spouts replay them); restarting in ${delay}ms`, "warn");
    t.restartTimer = setTimeout(() => {
      t.restartTimer = undefined;
      if (!this.stopping) this.spawn(t);
    }, delay);
  }

  private send(task: number, message: unknown): void {
    const t = this.tasks.get(task)!;
    if (!t.writer) return;
    t.writer.write(message);
    (t.spout ? this.dirtySpouts : this.dirty).add(t);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.flush);
    }
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    // Spouts first: a spout waits for its next command (one round trip per next/ack, as ShellSpout
    // works), so its write is the latency-critical one; each pipe write can wake a process that takes
    // this core, and bolt writes only feed processes that already have work queued.
    for (const t of this.dirtySpouts) t.writer?.flush();
    this.dirtySpouts.clear();
    for (const t of this.dirty) t.writer?.flush();
    this.dirty.clear();
  };

  private kill(task: number, why: string): void {
    const t = this.tasks.get(task)!;
    void why;
    t.child?.kill("SIGKILL");
  }

  /** Ends the run with an error (a task cannot start, a binary is missing). */
  private fail(reason: string): void {
    if (this.fatal) return;
    this.fatal = reason;
    for (const w of this.fatalWaiters) w(reason);
  }

  /** Resolves with the reason when the run fails on its own. */
  failed(): Promise<string> {
    if (this.fatal) return Promise.resolve(this.fatal);
    return new Promise((resolve) => this.fatalWaiters.push(resolve));
  }

  get failure(): string | undefined {
    return this.fatal;
  }

  /** Task -> pid of the live processes. */
  processes(): { task: number; component: string; pid: number | undefined; ready: boolean }[] {
    return [...this.tasks.values()].map((t) => ({ task: t.task, component: t.component, pid: t.child ? t.pid : undefined, ready: t.ready }));
  }

  /**
   * Clean shutdown: deactivate spouts, wait up to the message timeout for in-flight trees, close every
   * process's stdin (components drain and exit), kill what is left after `graceMs`.
   */
  async stop(options: { drainMs?: number; graceMs?: number } = {}): Promise<void> {
    const drainMs = options.drainMs ?? this.plan.settings.messageTimeoutMs;
    if (!this.fatal) {
      this.core.setActive(false);
      const until = performance.now() + drainMs;
      while (this.core.pendingTrees > 0 && performance.now() < until && !this.fatal) await sleep(20);
    }
    this.stopping = true;
    this.core.stop();
    this.flush();
    for (const t of this.tasks.values()) if (t.restartTimer) clearTimeout(t.restartTimer);
    const exits = [...this.tasks.values()].map((t) => {
      const child = t.child;
      if (!child || child.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(() => child.kill("SIGKILL"), options.graceMs ?? 3000);
        child.once("exit", () => {
          clearTimeout(timer);
          resolve();
        });
        child.stdin?.end();
      });
    });
    await Promise.all(exits);
    fs.rmSync(this.pidDir, { recursive: true, force: true });
  }

  /** Kills everything at once (second Ctrl-C). */
  killAll(): void {
    this.stopping = true;
    this.core.stop();
    for (const t of this.tasks.values()) t.child?.kill("SIGKILL");
  }

  snapshot(): MetricsSnapshot & { processes: ReturnType<LocalRunner["processes"]> } {
    return { ...this.core.snapshot(), processes: this.processes() };
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
