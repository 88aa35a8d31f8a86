import { describe, expect, it } from "vitest";
import { Bolt, descriptionIssues, direct, fields, shell, Spout, topology, TopologyValidationError, type TopologyDescription, type ValidationIssue } from "squall";

class Words extends Spout({ outputs: { default: fields("word"), tasks: direct(fields("word")) } }) {
  nextTuple() {}
}
class Count extends Bolt({ outputs: { default: fields("word", "count") } }) {
  process() {
    return this.ack();
  }
}

/** The builder untyped, to write what the types forbid. */
const loose = (name = "t") => topology(name) as any;

const issuesOf = (build: () => unknown): readonly ValidationIssue[] => {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(TopologyValidationError);
    return (error as TopologyValidationError).issues;
  }
  throw new Error("expected a TopologyValidationError");
};

const only = (issues: readonly ValidationIssue[], code: ValidationIssue["code"]): ValidationIssue => {
  const found = issues.filter((i) => i.code === code);
  expect(found, JSON.stringify(issues, null, 2)).toHaveLength(1);
  return found[0]!;
};

describe("topology validation", () => {
  it("accepts a valid topology", () => {
    expect(topology("ok").spout("words", Words).bolt("count", Count).fields("words", ["word"]).validate()).toEqual([]);
  });

  it("shell files outside the module's folder", () => {
    for (const [file, problem] of [["../shared/lib.py", "leaves the module's folder"], ["/opt/lib.py", "is absolute"], ["", "is empty"], ["./", "is the module's folder itself"]] as const) {
      const py = shell({ command: "python3", script: "split.py", files: ["split.py", file], outputs: {} });
      const issue = only(issuesOf(() => topology("py").spout("words", Words).bolt("split", py).shuffle("words").build()), "shell-files");
      expect(issue.component).toBe("split");
      expect(issue.message).toContain(problem);
      expect(issue.message).toContain(JSON.stringify(file));
      expect(issue.hint).toMatch(/relative to the topology module's folder/);
    }
    const fine = shell({ command: "python3", script: "py/split.py", files: ["py", "./extra/x.py"], outputs: {} });
    expect(topology("py").spout("words", Words).bolt("split", fine).shuffle("words").validate()).toEqual([]);
  });

  it("no spout", () => {
    const issue = only(issuesOf(() => loose("lonely").bolt("count", Count).shuffle("count").build()), "no-spout");
    expect(issue.message).toContain('"lonely"');
    expect(issue.hint).toMatch(/\.spout/);
  });

  it("duplicate ids", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("words", Count).shuffle("words").build()), "duplicate-id");
    expect(issue.component).toBe("words");
    expect(issue.message).toContain('"words"');
  });

  it("ids Storm reserves", () => {
    const issue = only(issuesOf(() => loose().spout("__words", Words).bolt("count", Count).shuffle("__words").build()), "reserved-id");
    expect(issue.message).toContain('"__words"');
    expect(issue.hint).toContain('"words"');
  });

  it("stream names Storm reserves", () => {
    class Sys extends Spout({ outputs: { default: fields("a"), __metrics: fields("m") } }) {
      nextTuple() {}
    }
    const issue = only(issuesOf(() => loose().spout("sys", Sys).bolt("count", Count).shuffle("sys").build()), "reserved-stream");
    expect(issue.component).toBe("sys");
    expect(issue.stream).toBe("__metrics");
    expect(issue.message).toContain('"__metrics"');
  });

  it("topology names Storm rejects", () => {
    const issue = only(issuesOf(() => loose("word.count").spout("words", Words).bolt("count", Count).shuffle("words").build()), "topology-name");
    expect(issue.message).toContain('"word.count"');
    expect(issue.hint).toContain('"word-count"');
  });

  it("a bolt without inputs", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).build()), "bolt-without-inputs");
    expect(issue.message).toContain('bolt "count"');
  });

  it("a spout with inputs (in a hand-made description)", () => {
    const d: TopologyDescription = {
      name: "t",
      config: {},
      components: [
        { id: "a", type: "spout", implementation: { kind: "squall" }, parallelism: 1, inputs: [], outputs: { default: { fields: ["x"], direct: false } }, config: {} },
        { id: "b", type: "spout", implementation: { kind: "squall" }, parallelism: 1, inputs: [{ component: "a", stream: "default", grouping: { type: "shuffle" } }], outputs: {}, config: {} },
      ],
    };
    const issue = only(descriptionIssues(d), "spout-with-inputs");
    expect(issue.component).toBe("b");
    expect(issue.message).toContain('spout "b" subscribes to "a"');
  });

  it("an unknown component", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).shuffle("wrods").build()), "unknown-component");
    expect(issue.component).toBe("count");
    expect(issue.message).toContain('"wrods"');
    expect(issue.hint).toContain("words");
  });

  it("an unknown stream", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).shuffle(["words", "errors"]).build()), "unknown-stream");
    expect(issue.stream).toBe("errors");
    expect(issue.message).toContain('stream "errors" of "words"');
    expect(issue.hint).toContain("default, tasks");
  });

  it("a fields grouping on a missing field", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).fields("words", ["wrod"]).build()), "fields-missing");
    expect(issue.component).toBe("count");
    expect(issue.message).toContain('"wrod"');
    expect(issue.hint).toContain("word");
  });

  it("a fields grouping on no fields", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).fields("words", []).build()), "fields-empty");
    expect(issue.message).toContain('bolt "count"');
    expect(issue.hint).toMatch(/global/);
  });

  it("a direct grouping on a stream that is not direct", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).direct("words").build()), "direct-on-non-direct");
    expect(issue.message).toContain('stream "default" of "words"');
  });

  it("another grouping on a direct stream", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Count).shuffle(["words", "tasks"]).build()), "non-direct-on-direct");
    expect(issue.message).toContain('stream "tasks" of "words"');
    expect(issue.message).toContain("shuffle");
  });

  it("parallelism and numTasks below 1 or not integers", () => {
    const issues = issuesOf(() => loose().spout("words", Words, { parallelism: 0 }).bolt("count", Count, { parallelism: 1.5, numTasks: 0 }).shuffle("words").build());
    const par = issues.filter((i) => i.code === "parallelism");
    expect(par.map((i) => i.component)).toEqual(["words", "count"]);
    expect(par[1]!.message).toContain("1.5");
    expect(only(issues, "num-tasks").component).toBe("count");
  });

  it("something that is not a squall component", () => {
    class Plain {}
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Plain).shuffle("words").build()), "not-a-component");
    expect(issue.message).toContain('bolt "count"');
    expect(issue.message).toContain("Plain");
    expect(issue.hint).toContain("Bolt({...})");
  });

  it("a spout class used as a bolt", () => {
    const issue = only(issuesOf(() => loose().spout("words", Words).bolt("count", Words).shuffle("words").build()), "wrong-kind");
    expect(issue.message).toContain('bolt "count"');
    expect(issue.hint).toContain('.spout("count"');
  });

  it("bad topology config", () => {
    const issue = only(issuesOf(() => topology("t", { config: { workers: 0 } }).spout("words", Words).bolt("count", Count).shuffle("words").build()), "config");
    expect(issue.message).toContain("config.workers");
  });

  it("reports every problem at once, in one message", () => {
    let error: TopologyValidationError | undefined;
    try {
      loose("a/b").spout("__s", Words, { parallelism: 0 }).bolt("count", Count).fields("nope", ["x"]).bolt("idle", Count).build();
    } catch (e) {
      error = e as TopologyValidationError;
    }
    expect(error?.issues.map((i) => i.code).sort()).toEqual(["bolt-without-inputs", "parallelism", "reserved-id", "topology-name", "unknown-component"]);
    expect(error?.message).toContain('topology "a/b" is invalid (5 problems)');
    expect(error?.message).toContain("fix:");
  });
});
