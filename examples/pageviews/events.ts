/**
 * Page-view events: what the generator writes to Kafka and the spout reads.
 * @module
 */
import * as t from "io-ts";
import { stream } from "squall";

/** One page view: a unique id (what makes counting idempotent), the page, and its event time (ms). */
export const PageViews = stream({ id: t.string, url: t.string, ts: t.number, user: t.string });
export type PageView = t.TypeOf<typeof PageViews.codec>;

/** One window's count, as the count stage emits it: the ids travel along so the sink counts each once. */
export interface WindowCount {
  readonly url: string;
  readonly windowStart: number;
  readonly views: number;
  readonly ids: readonly string[];
}

/** The pages the generator picks from (skewed: the first ones are the most popular). */
export const URLS = ["/", "/pricing", "/docs", "/blog", "/signup", "/login", "/docs/kafka", "/docs/storm", "/about", "/careers"] as const;
