/**
 * A structural check of a tool's `parameters` against the JSON Schema draft-7 meta-schema, for the
 * keywords the meta-schema constrains (mistral-common calls jsonschema's Draft7Validator.check_schema
 * on them: protocol/instruct/validator.py in github.com/mistralai/mistral-common). Iterative, so a
 * deeply nested schema costs a longer stack array, never a deeper call stack.
 */
import type { PathSegment } from './jsonScan';
import { isPlainObject } from './report';

export interface SchemaProblem {
  /** Path inside `parameters` to the offending value. */
  path: PathSegment[];
  message: string;
}

const TYPES = new Set(['array', 'boolean', 'integer', 'null', 'number', 'object', 'string']);
/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS = ['additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'not', 'if', 'then', 'else'];
/** Keywords whose value is a non-empty list of schemas. */
const SCHEMA_LIST_KEYWORDS = ['allOf', 'anyOf', 'oneOf'];
/** Keywords whose value is an object of schemas. */
const SCHEMA_MAP_KEYWORDS = ['properties', 'patternProperties', 'definitions', '$defs'];
const NON_NEGATIVE_INTEGER = ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'];
const NUMBERS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'];
const STRINGS = ['$id', '$schema', '$ref', '$comment', 'title', 'description', 'format', 'pattern', 'contentMediaType', 'contentEncoding'];
const BOOLEANS = ['readOnly', 'writeOnly', 'uniqueItems'];

const isNonNegativeInteger = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isSchema = (v: unknown): boolean => typeof v === 'boolean' || isPlainObject(v);
const isUniqueStrings = (v: unknown): boolean => Array.isArray(v) && v.every((s) => typeof s === 'string') && new Set(v).size === v.length;

/** The first problem found, depth first, or null when the schema is valid. */
export function schemaProblem(root: unknown): SchemaProblem | null {
  const stack: { value: unknown; path: PathSegment[] }[] = [{ value: root, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as { value: unknown; path: PathSegment[] };
    if (typeof value === 'boolean') continue;
    if (!isPlainObject(value)) return { path, message: 'a schema must be an object or a boolean' };
    const problem = keywordProblem(value, path);
    if (problem) return problem;
    const children: { value: unknown; path: PathSegment[] }[] = [];
    for (const keyword of SCHEMA_KEYWORDS) if (keyword in value) children.push({ value: value[keyword], path: [...path, keyword] });
    for (const keyword of SCHEMA_LIST_KEYWORDS) {
      const list = value[keyword];
      if (Array.isArray(list)) list.forEach((item, k) => children.push({ value: item, path: [...path, keyword, k] }));
    }
    for (const keyword of SCHEMA_MAP_KEYWORDS) {
      const map = value[keyword];
      if (isPlainObject(map)) for (const [name, sub] of Object.entries(map)) children.push({ value: sub, path: [...path, keyword, name] });
    }
    const items = value.items;
    if (Array.isArray(items)) items.forEach((item, k) => children.push({ value: item, path: [...path, 'items', k] }));
    else if (items !== undefined) children.push({ value: items, path: [...path, 'items'] });
    const dependencies = value.dependencies;
    if (isPlainObject(dependencies)) {
      for (const [name, dep] of Object.entries(dependencies)) if (!Array.isArray(dep)) children.push({ value: dep, path: [...path, 'dependencies', name] });
    }
    // Reversed so the first child is checked first.
    for (let k = children.length - 1; k >= 0; k--) stack.push(children[k]);
  }
  return null;
}

function keywordProblem(schema: Record<string, unknown>, path: PathSegment[]): SchemaProblem | null {
  const at = (keyword: string, message: string): SchemaProblem => ({ path: [...path, keyword], message });
  const type = schema.type;
  if (type !== undefined) {
    const list = Array.isArray(type) ? type : [type];
    if ((Array.isArray(type) && !isUniqueStrings(type)) || !list.every((t) => typeof t === 'string' && TYPES.has(t))) {
      return at('type', `"type" must be one of ${[...TYPES].join(', ')} (or a list of them), not ${JSON.stringify(type)}`);
    }
  }
  for (const keyword of SCHEMA_LIST_KEYWORDS) {
    if (keyword in schema && !(Array.isArray(schema[keyword]) && (schema[keyword] as unknown[]).length > 0)) return at(keyword, `"${keyword}" must be a non-empty list of schemas`);
  }
  for (const keyword of SCHEMA_MAP_KEYWORDS) {
    if (keyword in schema && !isPlainObject(schema[keyword])) return at(keyword, `"${keyword}" must be an object of schemas`);
  }
  for (const keyword of SCHEMA_KEYWORDS) {
    if (keyword in schema && !isSchema(schema[keyword])) return at(keyword, `"${keyword}" must be a schema (an object or a boolean)`);
  }
  if ('items' in schema && !isSchema(schema.items) && !Array.isArray(schema.items)) return at('items', '"items" must be a schema or a list of schemas');
  if ('required' in schema && !isUniqueStrings(schema.required)) return at('required', '"required" must be a list of distinct property names');
  if ('enum' in schema && !Array.isArray(schema.enum)) return at('enum', '"enum" must be a list');
  for (const keyword of NON_NEGATIVE_INTEGER) {
    if (keyword in schema && !isNonNegativeInteger(schema[keyword])) return at(keyword, `"${keyword}" must be a whole number, 0 or more`);
  }
  for (const keyword of NUMBERS) {
    if (keyword in schema && typeof schema[keyword] !== 'number') return at(keyword, `"${keyword}" must be a number`);
  }
  if ('multipleOf' in schema && !(typeof schema.multipleOf === 'number' && schema.multipleOf > 0)) return at('multipleOf', '"multipleOf" must be a number above 0');
  for (const keyword of STRINGS) {
    if (keyword in schema && typeof schema[keyword] !== 'string') return at(keyword, `"${keyword}" must be a string`);
  }
  for (const keyword of BOOLEANS) {
    if (keyword in schema && typeof schema[keyword] !== 'boolean') return at(keyword, `"${keyword}" must be true or false`);
  }
  if ('pattern' in schema) {
    try {
      new RegExp(schema.pattern as string);
    } catch {
      return at('pattern', `"pattern" is not a valid regular expression`);
    }
  }
  return null;
}
