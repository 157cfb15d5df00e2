/**
 * Strict validators for the Files and Batch API response schemas of shared/reference/mistral-files-openapi.yaml
 * and mistral-batch-openapi.yaml:
 * every object schema gets `additionalProperties: false`, so a field the spec does not name fails too.
 * Used by the emulator's conformance tests; a client test may use it to check what it parses.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** A verbatim copy of shared/reference/mistral-files-openapi.yaml, so a fresh clone has it. */
const FIXTURE_RELATIVE = path.join('test', 'fixtures', 'emulator', 'mistral-files-openapi.yaml');
const BATCH_FIXTURE = 'mistral-batch-openapi.yaml';

export type ResponseSchemaName =
  | 'CreateFileResponse' | 'ListFilesResponse' | 'GetFileResponse' | 'DeleteFileResponse' | 'GetSignedUrlResponse' | 'FileSchema'
  | 'BatchJob' | 'ListBatchJobsResponse' | 'DeleteBatchJobResponse' | 'HTTPValidationError' | 'OCRResponse' | 'TranscriptionResponse';

export interface SchemaValidatorOptions {
  /** Location of the Files OpenAPI document; defaults to the fixture copy. */
  openapiPath?: string;
  /** Location of the Batch OpenAPI document; defaults to the fixture copy beside the Files one. */
  batchOpenapiPath?: string;
  /** Purposes to accept beyond the spec's FilePurpose enum (Mistral also uses `audio`). */
  extraPurposes?: string[];
}

export interface SchemaValidator {
  /** Returns the problems found, an empty list when `value` conforms. */
  check(schema: ResponseSchemaName, value: unknown): string[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Rewrites OpenAPI refs into $defs refs and closes every object schema. */
function tighten(node: Json): Json {
  if (Array.isArray(node)) return node.map(tighten);
  if (node === null || typeof node !== 'object') return node;
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    out[key] = key === '$ref' && typeof value === 'string' ? value.replace('#/components/schemas/', '#/$defs/') : tighten(value);
  }
  if (out.type === 'object' && out.properties !== undefined && out.additionalProperties === undefined) out.additionalProperties = false;
  // Ajv cannot read OpenAPI's discriminator `mapping`; the `type` consts of each variant discriminate anyway.
  delete out.discriminator;
  return out;
}

export function resolveOpenApiPath(): string {
  // Compiled code runs from out/test/emulator; the sources live in test/emulator.
  const candidates = [
    path.resolve(__dirname, '..', '..', '..', FIXTURE_RELATIVE),
    path.resolve(__dirname, '..', '..', FIXTURE_RELATIVE),
    path.resolve(process.cwd(), FIXTURE_RELATIVE),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) throw new Error(`Cannot find mistral-files-openapi.yaml (looked in ${candidates.join(', ')})`);
  return found;
}

export function createSchemaValidator(options: SchemaValidatorOptions = {}): SchemaValidator {
  const filesPath = options.openapiPath ?? resolveOpenApiPath();
  const load = (file: string): Record<string, Json> => (parse(readFileSync(file, 'utf8')) as { components: { schemas: Record<string, Json> } }).components.schemas;
  const batchPath = options.batchOpenapiPath ?? path.join(path.dirname(filesPath), BATCH_FIXTURE);
  // The two documents share a few schemas (File, ApiKey); they are copies of one source, so either wins.
  const schemas = { ...(existsSync(batchPath) ? load(batchPath) : {}), ...load(filesPath) };
  const defs = tighten(schemas as Json) as { [key: string]: { [key: string]: Json } };
  if (options.extraPurposes?.length) {
    const purpose = defs.FilePurpose;
    purpose.enum = [...(purpose.enum as string[]), ...options.extraPurposes];
  }
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('binary', true);
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
  const rootId = 'https://mistral-files.emulator/openapi';
  ajv.addSchema({ $id: rootId, $defs: defs });
  const cache = new Map<string, ValidateFunction>();
  return {
    check(schema, value) {
      let validate = cache.get(schema);
      if (!validate) {
        validate = ajv.getSchema(`${rootId}#/$defs/${schema}`);
        if (!validate) throw new Error(`No schema ${schema} in the OpenAPI document`);
        cache.set(schema, validate);
      }
      return validate(value) ? [] : (validate.errors ?? []).map(describe);
    },
  };
}

function describe(error: ErrorObject): string {
  const where = error.instancePath || '(root)';
  const extra = error.keyword === 'additionalProperties' ? ` "${String((error.params as { additionalProperty: string }).additionalProperty)}"` : '';
  return `${where} ${error.message ?? error.keyword}${extra}`;
}
