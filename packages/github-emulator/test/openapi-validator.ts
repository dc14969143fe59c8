import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

/** GitHub's official OpenAPI 3.0 description of api.github.com, shipped by @octokit/openapi. */
const SPEC_PATH = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
const SPEC_ID = "https://api.github.com/openapi.json";

type Json = Record<string, unknown>;

interface Operation {
  responses: Record<string, Json>;
}

export class OpenApiValidator {
  private readonly spec: { paths: Record<string, Record<string, Operation>>; components: Json };
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();

  constructor() {
    this.spec = JSON.parse(readFileSync(SPEC_PATH, "utf8")) as OpenApiValidator["spec"];
    // strict: false lets OpenAPI-only keywords (example, discriminator, x-github…) through; ajv
    // implements OpenAPI's `nullable` itself. The spec is trusted, so its meta-validation is skipped.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false });
    const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: SPEC_ID, components: toJsonSchema(this.spec.components) });
  }

  /** Statuses the description documents for an operation. */
  documentedStatuses(method: string, pattern: string): string[] {
    return Object.keys(this.operation(method, pattern).responses);
  }

  /** Validation errors of `body` against the documented response (empty when it conforms). */
  validate(method: string, pattern: string, status: number, body: unknown): string[] {
    const key = `${method} ${pattern} ${status}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      const schema = this.responseSchema(method, pattern, status);
      if (schema === undefined) return body === undefined ? [] : [`${key}: documented without a body, got one`];
      validate = this.ajv.compile(toJsonSchema(rebase(schema)) as Json);
      this.compiled.set(key, validate);
    }
    if (validate(body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${key}: ${error.instancePath || "(root)"} ${error.message ?? ""} ${JSON.stringify(error.params)}`,
    );
  }

  /** The shape GitHub documents for error bodies, for statuses an operation does not list. */
  validateError(body: unknown): string[] {
    let validate = this.compiled.get("basic-error");
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/basic-error` });
      this.compiled.set("basic-error", validate);
    }
    return validate(body)
      ? []
      : (validate.errors ?? []).map((error) => `error body: ${error.instancePath} ${error.message ?? ""}`);
  }

  private operation(method: string, pattern: string): Operation {
    const operation = this.spec.paths[pattern]?.[method.toLowerCase()];
    if (!operation) throw new Error(`the OpenAPI description has no ${method} ${pattern}`);
    return operation;
  }

  private responseSchema(method: string, pattern: string, status: number): unknown {
    let response = this.operation(method, pattern).responses[String(status)];
    if (!response) throw new Error(`${method} ${pattern} does not document status ${status}`);
    const ref = response.$ref;
    if (typeof ref === "string") response = this.resolve(ref);
    const content = response.content as Record<string, { schema?: unknown }> | undefined;
    return content?.["application/json"]?.schema;
  }

  private resolve(ref: string): Json {
    const value = ref
      .replace(/^#\//, "")
      .split("/")
      .reduce<unknown>((node, part) => (node as Json)[part], this.spec);
    return value as Json;
  }
}

/** Points local "#/components/…" refs at the registered spec document. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== "object" || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${SPEC_ID}${value}` : rebase(value),
    ]),
  );
}

/**
 * OpenAPI 3.0's `nullable: true` becomes JSON Schema's null type. ajv knows `nullable` only
 * next to `type`, and GitHub's description also puts it beside $ref/allOf.
 */
function toJsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (typeof node !== "object" || node === null) return node;
  const { nullable, ...rest } = node as Json;
  const converted = Object.fromEntries(Object.entries(rest).map(([key, value]) => [key, toJsonSchema(value)]));
  if (nullable !== true) return nullable === undefined ? converted : { ...converted, nullable };
  if (Array.isArray(converted.enum)) converted.enum = [...(converted.enum as unknown[]), null];
  if (typeof converted.type === "string") return { ...converted, type: [converted.type, "null"] };
  return { anyOf: [converted, { type: "null" }] };
}
