/** Turns a failed request validation into the one error shape, naming each field. */
import type { Hook } from "@hono/zod-openapi";
import { describeIssues, fieldIssues, RequestError } from "../errors/index.ts";

const prefixOf: Record<string, string | undefined> = {
  json: undefined,
  param: "path",
  query: "query",
  header: "header",
};

// biome-ignore lint/suspicious/noExplicitAny: the hook is generic over every route's input and env
export const validationHook: Hook<any, any, any, any> = (result) => {
  if (result.success) return;
  const issues = fieldIssues(result.error, prefixOf[result.target]);
  throw new RequestError("VALIDATION_FAILED", `Invalid request: ${describeIssues(issues)}`, { issues });
};
