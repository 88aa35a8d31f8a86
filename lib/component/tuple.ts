/**
 * An input tuple as a bolt sees it.
 *
 * `values` is the raw list Storm delivered; `fields` names them using the source stream's declared
 * fields (from the handshake context), typed by the bolt's declared input.
 *
 * @module
 */
import type { StreamSpec, Values, ValuesOf } from "./stream.ts";

export class Tuple<V extends Values = Values> {
  private named: V | undefined;

  constructor(
    /** Storm's tuple id: what ack, fail and anchors refer to. */
    readonly id: string,
    /** The component that emitted it. */
    readonly component: string,
    readonly stream: string,
    /** The task that emitted it. */
    readonly task: number,
    readonly values: readonly unknown[],
    /** Field names of the source stream, when known. */
    readonly fieldNames: readonly string[] | undefined,
  ) {}

  /** The values by field name. Throws when the source stream's fields are unknown. */
  get fields(): V {
    if (this.named) return this.named;
    const names = this.fieldNames;
    if (!names) {
      throw new Error(
        `tuple ${this.id} from ${this.component}/${this.stream}: its field names are unknown (the handshake context lists no fields for that stream); use tuple.values`,
      );
    }
    const record: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) record[names[i]!] = this.values[i];
    this.named = record as V;
    return this.named;
  }

  /** One value by field name. */
  get<K extends keyof V & string>(name: K): V[K] {
    return this.fields[name];
  }

  toString(): string {
    return `tuple ${this.id} from ${this.component}/${this.stream} (task ${this.task})`;
  }
}

/** The tuple type of a stream declaration: `process(tuple: TupleOf<typeof Sentences>)`. */
export type TupleOf<S extends StreamSpec<any>> = Tuple<ValuesOf<S>>;
