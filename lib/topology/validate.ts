/**
 * Topology validation: every problem at once, each naming its component and stream with a hint.
 *
 * Runs before anything is started or uploaded. `componentIssues` checks what only the builder knows
 * (is this really a squall component class? is a spout class used as a bolt?); `descriptionIssues`
 * checks the plain description, so descriptions made by other tools are checked the same way.
 *
 * @module
 */
import type { ComponentDescription, TopologyDescription } from "./description.ts";

/** Storm's topology name rule (Utils.TOPOLOGY_NAME_REGEX). */
export const TOPOLOGY_NAME = /^[^/.:\\]+$/;

export type IssueCode =
  | "topology-name"
  | "config"
  | "no-spout"
  | "duplicate-id"
  | "reserved-id"
  | "reserved-stream"
  | "not-a-component"
  | "wrong-kind"
  | "bolt-without-inputs"
  | "spout-with-inputs"
  | "unknown-component"
  | "unknown-stream"
  | "fields-empty"
  | "fields-missing"
  | "direct-on-non-direct"
  | "non-direct-on-direct"
  | "parallelism"
  | "num-tasks"
  | "stream-fields"
  | "shell-files"
  | "custom-grouping";

export interface ValidationIssue {
  readonly code: IssueCode;
  readonly component?: string;
  readonly stream?: string;
  /** What is wrong, and where. */
  readonly message: string;
  /** How to fix it. */
  readonly hint: string;
}

export class TopologyValidationError extends Error {
  override readonly name = "TopologyValidationError";
  constructor(
    readonly topology: string,
    readonly issues: readonly ValidationIssue[],
  ) {
    super(
      `topology "${topology}" is invalid (${issues.length} problem${issues.length === 1 ? "" : "s"}):\n` +
        issues.map((i) => `  - ${i.message}\n    fix: ${i.hint}`).join("\n"),
    );
  }
}

const reserved = (id: string): boolean => id.startsWith("__");
const isCount = (n: unknown): boolean => typeof n === "number" && Number.isInteger(n) && n >= 1;

/**
 * Checks a plain description. `opaque` names components whose outputs are unknown (their source was
 * rejected already), so subscriptions to them are not reported a second time.
 */
/** Why a shell component's shipped path is unusable (it must stay inside the module's folder), if it is. */
export function shippedPathProblem(file: string): string | undefined {
  if (typeof file !== "string" || file.trim() === "") return "is empty";
  const normal = file.replace(/\\/g, "/");
  if (normal.startsWith("/") || /^[A-Za-z]:\//.test(normal)) return "is absolute";
  const parts = normal.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length === 0) return "is the module's folder itself";
  if (parts.includes("..")) return "leaves the module's folder (..)";
  return undefined;
}

export function descriptionIssues(d: TopologyDescription, opaque: ReadonlySet<string> = new Set()): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const add = (issue: ValidationIssue): void => void issues.push(issue);
  if (!TOPOLOGY_NAME.test(d.name)) {
    add({
      code: "topology-name",
      message: `topology name "${d.name}" is not accepted by Storm (it must be non-empty, without / . : or \\)`,
      hint: `rename it, e.g. "${d.name.replace(/[/.:\\]+/g, "-") || "my-topology"}"`,
    });
  }
  const byId = new Map<string, ComponentDescription>();
  for (const c of d.components) {
    const where = `${c.type} "${c.id}"`;
    if (byId.has(c.id)) {
      add({ code: "duplicate-id", component: c.id, message: `component id "${c.id}" is used twice`, hint: "give every spout and bolt its own id" });
    } else {
      byId.set(c.id, c);
    }
    if (c.id === "" || reserved(c.id)) {
      add({
        code: "reserved-id",
        component: c.id,
        message: c.id === "" ? "a component has an empty id" : `${where}: ids starting with "__" are reserved for Storm's system components`,
        hint: c.id === "" ? "give it an id" : `rename it, e.g. "${c.id.replace(/^_+/, "") || "component"}"`,
      });
    }
    for (const [stream, spec] of Object.entries(c.outputs)) {
      if (stream === "" || reserved(stream)) {
        add({
          code: "reserved-stream",
          component: c.id,
          stream,
          message: `${where}: stream name "${stream}" is ${stream === "" ? "empty" : 'reserved (leading "__" is Storm\'s)'}`,
          hint: `rename the stream, e.g. "${stream.replace(/^_+/, "") || "default"}"`,
        });
      }
      if (new Set(spec.fields).size !== spec.fields.length) {
        add({ code: "stream-fields", component: c.id, stream, message: `${where}: stream "${stream}" repeats a field name (${spec.fields.join(", ")})`, hint: "give every field of a stream its own name" });
      }
    }
    if (c.implementation.kind === "shell") {
      for (const file of c.implementation.files ?? []) {
        const problem = shippedPathProblem(file);
        if (problem) {
          add({
            code: "shell-files",
            component: c.id,
            message: `${where}: shipped file ${JSON.stringify(file)} ${problem}`,
            hint: "name files and folders relative to the topology module's folder, inside it (e.g. \"split.py\" or \"python/\")",
          });
        }
      }
    }
    if (!isCount(c.parallelism)) {
      add({ code: "parallelism", component: c.id, message: `${where}: parallelism must be an integer >= 1 (got ${c.parallelism})`, hint: `set { parallelism: ${Math.max(1, Math.floor(Number(c.parallelism)) || 1)} }` });
    }
    if (c.numTasks !== undefined && !isCount(c.numTasks)) {
      add({ code: "num-tasks", component: c.id, message: `${where}: numTasks must be an integer >= 1 (got ${c.numTasks})`, hint: "set numTasks to at least the parallelism, or leave it out (it defaults to the parallelism)" });
    }
    if (c.type === "spout" && c.inputs.length > 0) {
      add({ code: "spout-with-inputs", component: c.id, message: `spout "${c.id}" subscribes to ${c.inputs.map((i) => `"${i.component}"`).join(", ")}, but spouts take no inputs`, hint: "make it a bolt, or drop its subscriptions" });
    }
    if (c.type === "bolt" && c.inputs.length === 0) {
      add({ code: "bolt-without-inputs", component: c.id, message: `bolt "${c.id}" has no inputs, so it would never receive a tuple`, hint: `subscribe it, e.g. .bolt("${c.id}", ...).shuffle("<spout or bolt id>")` });
    }
  }
  if (!d.components.some((c) => c.type === "spout")) {
    add({ code: "no-spout", message: `topology "${d.name}" has no spout, so nothing would ever feed it`, hint: 'add one with .spout("id", SpoutClass)' });
  }
  for (const c of d.components) {
    for (const input of c.inputs) {
      const where = `bolt "${c.id}" subscribes to stream "${input.stream}" of "${input.component}"`;
      const source = byId.get(input.component);
      if (!source) {
        add({ code: "unknown-component", component: c.id, stream: input.stream, message: `${where}, but there is no component "${input.component}"`, hint: `subscribe to one of: ${[...byId.keys()].join(", ") || "(no components)"}` });
        continue;
      }
      if (opaque.has(source.id)) continue;
      const stream = source.outputs[input.stream];
      if (!stream) {
        const names = Object.keys(source.outputs);
        add({
          code: "unknown-stream",
          component: c.id,
          stream: input.stream,
          message: `${where}, but "${input.component}" declares no stream "${input.stream}"`,
          hint: names.length ? `subscribe to one of its streams: ${names.join(", ")}` : `"${input.component}" declares no output streams; declare it in its outputs`,
        });
        continue;
      }
      const g = input.grouping;
      if (g.type === "fields") {
        if (g.fields.length === 0) {
          add({ code: "fields-empty", component: c.id, stream: input.stream, message: `${where} with a fields grouping on no fields`, hint: "name at least one field, or use a global grouping to send everything to one task" });
        }
        const missing = g.fields.filter((f) => !stream.fields.includes(f));
        if (missing.length > 0) {
          add({
            code: "fields-missing",
            component: c.id,
            stream: input.stream,
            message: `${where} grouped by field${missing.length > 1 ? "s" : ""} ${missing.map((f) => `"${f}"`).join(", ")}, which the stream does not carry`,
            hint: `group by its fields: ${stream.fields.join(", ") || "(none)"}`,
          });
        }
      }
      if (g.type === "direct" && !stream.direct) {
        add({ code: "direct-on-non-direct", component: c.id, stream: input.stream, message: `${where} with a direct grouping, but the stream is not direct`, hint: `declare the stream with direct(...) in "${input.component}", or use another grouping` });
      }
      if (g.type !== "direct" && stream.direct) {
        add({ code: "non-direct-on-direct", component: c.id, stream: input.stream, message: `${where} with a ${g.type} grouping, but the stream is direct (its emitter picks the task)`, hint: "use a direct grouping for it" });
      }
      if (g.type === "custom" && g.className.trim() === "") {
        add({ code: "custom-grouping", component: c.id, stream: input.stream, message: `${where} with a custom grouping that names no class`, hint: "give the JVM CustomStreamGrouping's full class name" });
      }
    }
  }
  return issues;
}

/** Throws TopologyValidationError when the description has problems. */
export function validateDescription(d: TopologyDescription): void {
  const issues = descriptionIssues(d);
  if (issues.length > 0) throw new TopologyValidationError(d.name, issues);
}
