/** Drives a component through ComponentHost in-process, with squall/testing's in-memory file system. */
export { MemoryFs };
import { ComponentHost } from "../../lib/component/host.ts";
import type { Component } from "../../lib/component/component.ts";
import { MemoryFs } from "../../lib/testing/memory-fs.ts";
import type { ComponentMessage } from "../../lib/protocol/messages.ts";

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
