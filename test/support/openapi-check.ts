/**
 * Checks real responses against the OpenAPI document: the body must match the JSON schema the document gives for
 * that operation, status and content type (JSON Schema 2020-12, as OpenAPI 3.1 uses, through Ajv).
 */
import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

interface Response {
  content?: Record<string, { schema?: object }>;
}
/** The parts of a dereferenced OpenAPI document this looks at. */
interface Document {
  paths?: Record<string, Record<string, { responses?: Record<string, Response> } | undefined>>;
}

/** Express `/workflows/:id/status` → OpenAPI `/workflows/{id}/status`. */
const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

export interface ResponseChecker {
  /** Problems with the response, [] when it matches what the document says; `path` is the Express template. */
  check(method: string, path: string, status: number, body: unknown, contentType?: string): string[];
}

export async function responseChecker(document: unknown): Promise<ResponseChecker> {
  const dereferenced = (await SwaggerParser.dereference(structuredClone(document) as never)) as Document;
  // Not strict: OpenAPI adds keywords of its own (example, x-…) beside JSON Schema's.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();

  return {
    check(method, path, status, body, contentType = 'application/json') {
      const item = dereferenced.paths?.[toOpenApiPath(path)];
      const operation = item?.[method.toLowerCase()];
      if (!operation) return [`${method} ${path} is not in the document`];
      const response = operation.responses?.[String(status)];
      if (!response) return [`${method} ${path} does not document status ${status}`];
      if (!response.content) return body === undefined || body === '' ? [] : [`${status} documents no body`];
      const media = response.content[contentType];
      if (!media?.schema) return [`${method} ${path} ${status} documents no ${contentType} body`];
      const key = `${method} ${path} ${status} ${contentType}`;
      let validate = compiled.get(key);
      if (!validate) {
        validate = ajv.compile(media.schema);
        compiled.set(key, validate);
      }
      if (validate(body)) return [];
      return (validate.errors ?? []).map(
        (error) =>
          `${key}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`,
      );
    },
  };
}
