/**
 * Strict validators for the Files API response schemas of shared/reference/mistral-files-openapi.yaml:
 * every object schema gets `additionalProperties: false`, so a field the spec does not name fails too.
 * Used by the emulator's conformance tests; a client test may use it to check what it parses.
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

/** A verbatim copy of shared/reference/mistral-files-openapi.yaml, so a fresh clone has it. */
const FIXTURE_RELATIVE = path.join('test', 'fixtures', 'emulator', 'mistral-files-openapi.yaml');

export type ResponseSchemaName =
  | 'CreateFileResponse' | 'ListFilesResponse' | 'GetFileResponse' | 'DeleteFileResponse' | 'GetSignedUrlResponse' | 'FileSchema';

export interface SchemaValidatorOptions {
  /** Location of the OpenAPI document; defaults to the shared reference copy. */
  openapiPath?: string;
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
  const document = parse(readFileSync(options.openapiPath ?? resolveOpenApiPath(), 'utf8')) as { components: { schemas: Record<string, Json> } };
  const defs = tighten(document.components.schemas as Json) as { [key: string]: { [key: string]: Json } };
  if (options.extraPurposes?.length) {
    const purpose = defs.FilePurpose;
    purpose.enum = [...(purpose.enum as string[]), ...options.extraPurposes];
  }
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false });
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('binary', true);
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
