/**
 * PipelineBolt: the generated bolt that runs one stage of a compiled pipeline (a fused chain of
 * operators) on each tuple, with manual acking so that held elements keep their inputs un-acked.
 *
 * The class is generated per stage and closes over the stage's operators, so the worker that imports
 * the topology module and looks the component up by id gets exactly this chain back.
 * @module
 */
import { ManualBolt, type ManualBoltClass } from "../component/bolt.ts";
import { fields, type StreamSpec } from "../component/stream.ts";
import type { Tuple } from "../component/tuple.ts";
import { Chain } from "./chain.ts";
import type { Clock } from "./clock.ts";
import { keyIdOf, type Item, type Operator } from "./operator.ts";

/** How a stage reads its input tuples. */
export type StageInput =
  /** From a squall spout class: the tuple's fields become a record. */
  | { readonly kind: "record"; readonly fields: readonly string[] }
  /** From a generated spout or an unkeyed stage: [value]. */
  | { readonly kind: "value" }
  /** From a keyed stage: [key, value]. */
  | { readonly kind: "keyed" };

/** What a stage emits: nothing (it ends in a sink), [value], or [key, value] named keyName. */
export type StageOutput = { readonly kind: "none" } | { readonly kind: "value" } | { readonly kind: "keyed"; readonly keyName: string };

export interface StagePlan {
  readonly id: string;
  readonly operators: readonly Operator<any, any>[];
  readonly input: StageInput;
  readonly output: StageOutput;
  readonly clock: Clock;
}

export const stageOutputs = (output: StageOutput): Record<string, StreamSpec<any>> =>
  output.kind === "none" ? {} : output.kind === "value" ? { default: fields("value") } : { default: fields(output.keyName, "value") };

const decode = (input: StageInput, tuple: Tuple): Item => {
  const v = tuple.values;
  switch (input.kind) {
    case "record": {
      const record: Record<string, unknown> = {};
      input.fields.forEach((name, i) => (record[name] = v[i]));
      return { keyId: "", key: undefined, value: record, anchors: [tuple] };
    }
    case "value":
      return { keyId: "", key: undefined, value: v[0], anchors: [tuple] };
    case "keyed":
      return { keyId: keyIdOf(v[0]), key: v[0], value: v[1], anchors: [tuple] };
  }
};

export interface PipelineBoltClass extends ManualBoltClass<any, any> {
  readonly stage: StagePlan;
  readonly operators: readonly string[];
}

/** Generates the bolt class of one stage. */
export function pipelineBolt(plan: StagePlan): PipelineBoltClass {
  const keyed = plan.output.kind === "keyed";
  class PipelineBolt extends ManualBolt({ outputs: stageOutputs(plan.output) }) {
    static readonly stage = plan;
    static readonly operators = plan.operators.map((op) => op.name);
    private chain: Chain | undefined;

    override initialize(): void {
      this.chain = new Chain(plan.operators, {
        clock: plan.clock,
        emit: (item) => {
          if (plan.output.kind === "none") return;
          this.emit((keyed ? [item.key, item.value] : [item.value]) as never, { anchors: item.anchors as Tuple[] });
        },
        ack: (tuple) => this.ackTuple(tuple as Tuple),
        fail: (tuple) => this.failTuple(tuple as Tuple),
        error: (where, error) => {
          const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
          this.reportError(`${plan.id}: operator ${where} threw: ${text}`);
        },
      });
    }

    process(tuple: Tuple): void | Promise<void> {
      return this.chain!.push(decode(plan.input, tuple));
    }

    override processTick(): void {
      this.chain?.tick();
    }

    /** End of input (the process is stopping): windows, batches and reduces flush what they hold. */
    override close(): void {
      this.chain?.end();
    }
  }
  Object.defineProperty(PipelineBolt, "name", { value: `PipelineBolt(${plan.id})` });
  return PipelineBolt as unknown as PipelineBoltClass;
}
