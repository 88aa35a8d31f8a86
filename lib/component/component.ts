/**
 * What every squall component shares: its declaration (output streams), the environment the host gives
 * it after the handshake (conf, context, logger, task id), and the channel its effects leave by.
 *
 * @module
 */
import type { EmitCommand, MessageId, TopologyContext } from "../protocol/messages.ts";
import type { Logger } from "./logger.ts";
import type { Outputs, StreamSpec } from "./stream.ts";

/** Marks squall components and component classes (works across copies of the library). */
export const COMPONENT = Symbol.for("squall.component");

export type ComponentKind = "spout" | "bolt";

/** Everything a component is told after the handshake. */
export interface ComponentEnv {
  readonly conf: Readonly<Record<string, unknown>>;
  readonly context: TopologyContext;
  readonly log: Logger;
  readonly taskId: number;
  readonly componentId: string;
  readonly channel: Channel;
}

/** How a component's effects reach Storm (implemented by the host). */
export interface Channel {
  emit(command: EmitCommand): void;
  /** Emits with need_task_ids and resolves with the tasks the tuple went to. */
  emitForTaskIds(command: EmitCommand): Promise<readonly number[]>;
  ack(id: string): void;
  fail(id: string): void;
  /** Reports an error to Storm (shown in the Storm UI). */
  reportError(message: string): void;
}

export const ENV = Symbol.for("squall.env");

export interface Declaration<O extends Outputs> {
  /** Output streams by name. Most components have one, named "default". */
  readonly outputs: O;
}

/** Base of every component: declaration, environment and the helpers built on them. */
export abstract class Component<O extends Outputs = Outputs> {
  static readonly [COMPONENT] = true;
  abstract readonly kind: ComponentKind;
  readonly outputs: O;
  private env: ComponentEnv | undefined;

  constructor(declaration: Declaration<O>) {
    this.outputs = declaration.outputs;
  }

  /** Called once after the handshake, before any tuple; may be async. Open connections here. */
  initialize(): void | Promise<void> {}

  /** Called when the process is asked to stop (end of input); may be async. Close connections here. */
  close(): void | Promise<void> {}

  /** @internal Called by the host after the handshake. */
  [ENV](env: ComponentEnv): void {
    this.env = env;
  }

  private get ready(): ComponentEnv {
    if (!this.env) {
      throw new Error(
        `${this.constructor.name}: conf, context, log and emits are available from initialize() on, not in the constructor`,
      );
    }
    return this.env;
  }

  /** The merged topology configuration Storm sent. */
  get conf(): Readonly<Record<string, unknown>> {
    return this.ready.conf;
  }
  /** Storm's topology context for this task (task ids, components, streams, groupings). */
  get context(): TopologyContext {
    return this.ready.context;
  }
  get log(): Logger {
    return this.ready.log;
  }
  get taskId(): number {
    return this.ready.taskId;
  }
  get componentId(): string {
    return this.ready.componentId;
  }
  /** @internal */
  get channel(): Channel {
    return this.ready.channel;
  }

  /** Reports an error to Storm (it shows in the Storm UI) without failing anything. */
  reportError(error: unknown): void {
    this.channel.reportError(error instanceof Error ? (error.stack ?? error.message) : String(error));
  }

  /** @internal The declared spec of an output stream, with an error naming the choices. */
  streamSpec(stream: string, where: string): StreamSpec<any> {
    const spec = (this.outputs as Record<string, StreamSpec<any> | undefined>)[stream];
    if (!spec) {
      const declared = Object.keys(this.outputs);
      throw new Error(
        `${where}: stream "${stream}" is not declared by ${this.constructor.name}; declared streams: ${declared.length ? declared.join(", ") : "(none)"}`,
      );
    }
    return spec;
  }
}

/** Is this value a squall component instance? */
export const isComponent = (value: unknown): value is Component =>
  typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string" &&
  (value.constructor as unknown as Record<symbol, unknown>)[COMPONENT] === true;

/** Is this value a squall component class? */
export const isComponentClass = (value: unknown): value is abstract new () => Component =>
  typeof value === "function" && (value as unknown as Record<symbol, unknown>)[COMPONENT] === true;

/** A spout message id given to a reliable emit. */
export type { MessageId };
