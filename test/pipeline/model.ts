/** The sequential topology model lives in the testing kit (squall/testing); these tests use it as is. */
export * from "../../lib/testing/model.ts";
