/**
 * Component logging: to Storm's `log` command, to a rotating file per task, or both.
 *
 * Configured by topology config keys:
 * - `squall.log.level`: trace | debug | info (default) | warn | error
 * - `squall.log.dir`: write `<topology>_<component>_<task>_<pid>.log` there (relative to the worker's
 *   working directory); without it, log lines go to Storm (the worker log)
 * - `squall.log.to`: storm | file | both (default: file when a dir is set, else storm)
 * - `squall.log.max_bytes` (default 1,000,000) and `squall.log.backup_count` (default 10): rotation
 *
 * @module
 */
import { LogLevel, type LogLevelName } from "../protocol/messages.ts";
import type { FileSystem } from "../io.ts";

export interface Logger {
  trace(...args: unknown[]): void;
  debug(...args: unknown[]): void;
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
  log(level: LogLevelName, ...args: unknown[]): void;
}

export const formatArgs = (args: readonly unknown[]): string =>
  args
    .map((a) => {
      if (typeof a === "string") return a;
      if (a instanceof Error) return a.stack ?? `${a.name}: ${a.message}`;
      try {
        return JSON.stringify(a) ?? String(a);
      } catch {
        return String(a);
      }
    })
    .join(" ");

export interface LogSinks {
  /** Sends a `log` command to Storm. */
  readonly toStorm?: (msg: string, level: number) => void;
  readonly file?: { readonly fs: FileSystem; readonly path: string; readonly maxBytes: number; readonly backupCount: number };
  readonly level: LogLevelName;
  /** Prefix for file lines, e.g. "split[3]". */
  readonly prefix: string;
}

/** A size-rotating log file: `x.log`, then `x.log.1` ... `x.log.N` as it fills. */
export class RotatingFile {
  private size: number;
  constructor(private readonly fs: FileSystem, readonly path: string, private readonly maxBytes: number, private readonly backupCount: number) {
    this.size = Math.max(0, fs.size(path));
  }
  write(text: string): void {
    if (this.size > 0 && this.size + text.length > this.maxBytes) this.rotate();
    this.fs.append(this.path, text);
    this.size += text.length;
  }
  private rotate(): void {
    if (this.backupCount <= 0) {
      this.fs.remove(this.path);
    } else {
      this.fs.remove(`${this.path}.${this.backupCount}`);
      for (let i = this.backupCount - 1; i >= 1; i--) {
        if (this.fs.size(`${this.path}.${i}`) >= 0) this.fs.rename(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      }
      this.fs.rename(this.path, `${this.path}.1`);
    }
    this.size = 0;
  }
}

export const createLogger = (sinks: LogSinks): Logger => {
  const threshold = LogLevel[sinks.level];
  const file = sinks.file ? new RotatingFile(sinks.file.fs, sinks.file.path, sinks.file.maxBytes, sinks.file.backupCount) : undefined;
  const log = (level: LogLevelName, ...args: unknown[]): void => {
    const value = LogLevel[level];
    if (value < threshold) return;
    const msg = formatArgs(args);
    sinks.toStorm?.(msg, value);
    file?.write(`${new Date().toISOString()} ${level.toUpperCase().padEnd(5)} ${sinks.prefix} ${msg}\n`);
  };
  return {
    log,
    trace: (...a) => log("trace", ...a),
    debug: (...a) => log("debug", ...a),
    info: (...a) => log("info", ...a),
    warn: (...a) => log("warn", ...a),
    error: (...a) => log("error", ...a),
  };
};

export const isLogLevel = (value: unknown): value is LogLevelName => typeof value === "string" && value in LogLevel;
