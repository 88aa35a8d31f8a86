/** Drives a component through ComponentHost in-process, with an in-memory file system. */
import { ComponentHost } from "../../lib/component/host.ts";
import type { Component } from "../../lib/component/component.ts";
import type { FileSystem } from "../../lib/io.ts";
import type { ComponentMessage } from "../../lib/protocol/messages.ts";

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
    if (f === undefined) throw new Error(`no ${from}`);
    this.files.delete(from);
    this.files.set(to, f);
  }
  remove(path: string): void {
    this.files.delete(path);
  }
}

export const driveInProcess = (component: Component<any>, conf: Record<string, unknown> = {}) => {
  const sent: ComponentMessage[] = [];
  const fs = new MemoryFs();
  const exits: number[] = [];
  const stderr: string[] = [];
  const host = new ComponentHost(component, {
    pid: 4242,
    fs,
    send: (m) => sent.push(m),
    stderr: (t) => stderr.push(t),
    exit: (code) => exits.push(code),
  });
  host.receive({
    conf: { "topology.name": "unit", ...conf },
    pidDir: "/pids",
    context: { "task->component": { "1": "src", "2": "me" }, taskid: 2, componentid: "me", "source->stream->fields": { src: { default: ["value"] } } },
  });
  const tuple = (id: string, values: unknown[], stream = "default") => host.receive({ id, comp: "src", stream, task: 1, tuple: values });
  const flushPromises = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { host, sent, fs, exits, stderr, tuple, flushPromises };
};
