/**
 * Storm deployment adapters (Node): the Nimbus Thrift client and topology jars.
 *
 * @module
 */
export {
  DEFAULT_NIMBUS_PORT,
  NimbusClient,
  UPLOAD_CHUNK_BYTES,
  type ConnectOptions,
  type RebalanceRequest,
  type SubmitTopologyOptions,
  type UploadProgress,
} from "./thrift/nimbus.ts";
export * from "./thrift/errors.ts";
export { JAR_MTIME, JarError, buildJar, manifestText, parseZip, readJarEntries, writeJar, type JarEntry, type JarOptions, type JarResult } from "./jar.ts";
