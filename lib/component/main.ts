/**
 * Runs one component as a multilang process: stdin/stdout speak Storm's protocol, stderr is for humans.
 *
 * Exit codes: 0 when Storm closes stdin between messages (after in-flight work drains), 1 when the
 * component crashes (initialize() failed, or an error with squall.component.on_error = "exit"),
 * 2 on a protocol error (malformed or unexpected frame, truncated input, no handshake).
 *
 * @module
 */
import type { ComponentIO } from "../io.ts";
import type { ComponentMessage } from "../protocol/messages.ts";
import { ProtocolError } from "../protocol/messages.ts";
import { serializerNamed, type SerializerName } from "../protocol/serializer.ts";
import { isComponent, isComponentClass, type Component } from "./component.ts";
import { ComponentHost } from "./host.ts";

export interface RunOptions {
  /** Wire format (default: json, or the SQUALL_SERIALIZER environment value given by the runner). */
  readonly serializer?: SerializerName;
  /** How long to wait for in-flight work after stdin closes (default 5000 ms). */
  readonly drainTimeoutMs?: number;
}

/** Turns a component class, instance or factory into an instance, with a clear error otherwise. */
export const instantiate = (target: unknown, name: string): Component<any> => {
  if (isComponent(target)) return target;
  if (isComponentClass(target)) {
    try {
      return new (target as unknown as new () => Component<any>)();
    } catch (error) {
      throw new Error(`cannot construct component ${name}: ${(error as Error).message} (squall constructs components with no arguments; pass a factory () => new X(...) for others)`);
    }
  }
  if (typeof target === "function") {
    const made = (target as () => unknown)();
    if (isComponent(made)) return made;
  }
  throw new Error(
    `${name} is not a squall component: export a class built with Spout({...}), Bolt({...}), ManualBolt, BatchingBolt or ReliableSpout, an instance of one, or a function returning one`,
  );
};

/** Runs `component` on the process's stdio until Storm closes stdin. Never resolves on exit paths. */
export async function runComponent(component: Component<any>, io: ComponentIO, options: RunOptions = {}): Promise<void> {
  const serializer = serializerNamed(options.serializer ?? "json");
  let exiting = false;
  const writer = serializer.writer((bytes) => io.writeStdout(bytes));
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    writer.flush();
  };
  const exit = (code: number): never => {
    exiting = true;
    writer.flush();
    return io.exit(code);
  };
  const host = new ComponentHost(component, {
    pid: io.pid,
    fs: io.fs,
    send: (message: ComponentMessage) => {
      writer.write(message);
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    stderr: (text) => io.writeStderr(`${text}\n`),
    exit,
  });

  // Nothing user code prints may reach the protocol channel.
  const consoleLevels = { log: "info", info: "info", debug: "debug", trace: "debug", warn: "warn", error: "error" } as const;
  for (const [method, level] of Object.entries(consoleLevels)) {
    (console as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => host.consoleSink(level, args);
  }
  io.guardStdout((text) => host.consoleSink("info", [text.replace(/\n$/, "")]));

  const fatal = (error: unknown): never => {
    const what = error instanceof ProtocolError ? error.message : `internal error: ${(error as Error)?.stack ?? String(error)}`;
    io.writeStderr(`squall: ${host.label}: ${what}\n`);
    return exit(error instanceof ProtocolError ? 2 : 1);
  };

  const decoder = serializer.decoder();
  try {
    for await (const chunk of io.stdin()) {
      if (exiting) return;
      for (const message of decoder.push(chunk)) host.receive(message);
    }
  } catch (error) {
    fatal(error);
  }
  if (exiting) return;
  if (decoder.buffered > 0) {
    fatal(new ProtocolError(`stdin closed in the middle of a message (${decoder.buffered} bytes of an unfinished ${serializer.name} frame)`));
  }
  if (!host.started) fatal(new ProtocolError("stdin closed before Storm sent the handshake"));

  io.writeStderr(`squall: ${host.label}: stdin closed by Storm; finishing in-flight work and exiting\n`);
  const timeout = options.drainTimeoutMs ?? 5000;
  await Promise.race([host.drain(), new Promise((resolve) => setTimeout(resolve, timeout))]);
  try {
    await component.close();
  } catch (error) {
    io.writeStderr(`squall: ${host.label}: close() failed: ${(error as Error)?.message}\n`);
  }
  host.stop();
  exit(0);
}
