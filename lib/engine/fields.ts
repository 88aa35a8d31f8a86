/**
 * The fields grouping's hash: the one definition in lib/topology/grouping.ts, so the engine, the test
 * model and anything else that places tuples agree on where a key goes.
 * @module
 */
export { fieldsTask } from "../topology/grouping.ts";
