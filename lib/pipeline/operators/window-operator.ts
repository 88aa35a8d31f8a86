/**
 * The shared body of the window operators (and of batch by count): count windows run as RxJS
 * bufferCount in-process, time windows run the window state machine on both sides.
 * @module
 */
import { bufferCount, map } from "rxjs";
import { keyed, perKeyProcessor, processorToRx, type ChainContext, type Operator, type Processor } from "../operator.ts";
import { asWindow, checkSpec, countWindows, isCountSpec, timeWindows, type WindowSpec } from "../window.ts";

type Shape = typeof asWindow;

export const windowOperator = <A, B>(op: string, spec: WindowSpec<A>, every: number | undefined, shape: Shape = asWindow): Operator<A, B> => {
  checkSpec(op, spec, every);
  if (isCountSpec(spec)) {
    const step = every ?? spec.count;
    return keyed(
      `${op}(count ${spec.count}${every !== undefined ? ` every ${every}` : ""})`,
      countWindows(spec.count, step, shape),
      (values, key) =>
        values.pipe(
          bufferCount(spec.count, step),
          map((items, i) => shape(key, i * step, i * step + items.length, items)),
        ),
    );
  }
  const eventTime = spec.timestamp !== undefined;
  const processor = (ctx: ChainContext): Processor => {
    const inner = perKeyProcessor(timeWindows(spec, every ?? spec.ms, shape))(ctx);
    // In processing time, every key's windows close as the clock passes them, not only the arriving key's.
    return eventTime ? { push: inner.push, end: inner.end } : { ...inner, push: (item, emit) => (inner.push(item, emit), inner.tick!(ctx.clock.now(), emit)) };
  };
  return {
    name: `${op}(${spec.ms}ms${every !== undefined ? ` every ${every}ms` : ""}${eventTime ? `, event time${spec.allowedLatenessMs ? ` +${spec.allowedLatenessMs}ms late` : ""}` : ""})`,
    kind: "stateful",
    timed: !eventTime,
    processor,
    rx: processorToRx(processor, !eventTime),
  };
};
