/** The Files API's answers, read leniently (see core/shapes.ts): `bytes: null` and unknown enum values are fine. */
import { ShapeError, asObject, optionalNumber, optionalString, requiredNumber, requiredString } from '../core/shapes';
import type { DeletedFile, FileList, MistralFile, RetrievedFile, SignedUrl } from './types';

export function parseFile(value: unknown, what = 'the file'): MistralFile {
  const record = asObject(value, what);
  const file: MistralFile = {
    id: requiredString(record, 'id', what),
    // "object" is always "file"; a proxy that strips it must not make the file unusable.
    object: optionalString(record, 'object') ?? 'file',
    bytes: optionalNumber(record, 'bytes'),
    created_at: requiredNumber(record, 'created_at', what),
    filename: requiredString(record, 'filename', what),
    purpose: requiredString(record, 'purpose', what),
    sample_type: requiredString(record, 'sample_type', what),
    source: requiredString(record, 'source', what),
    num_lines: optionalNumber(record, 'num_lines'),
    mimetype: optionalString(record, 'mimetype'),
    signature: optionalString(record, 'signature'),
    expires_at: optionalNumber(record, 'expires_at'),
    visibility: optionalString(record, 'visibility'),
  };
  return file;
}

export function parseRetrievedFile(value: unknown): RetrievedFile {
  const file = parseFile(value);
  const deleted = asObject(value, 'the file').deleted;
  return { ...file, deleted: deleted === true };
}

export function parseFileList(value: unknown): FileList {
  const record = asObject(value, 'the list');
  if (!Array.isArray(record.data)) throw new ShapeError('the list has no "data" array');
  return {
    data: record.data.map((entry, index) => parseFile(entry, `list entry ${index}`)),
    object: optionalString(record, 'object') ?? 'list',
    total: optionalNumber(record, 'total'),
  };
}

export function parseDeletedFile(value: unknown): DeletedFile {
  const record = asObject(value, 'the deletion answer');
  const deleted = record.deleted;
  if (typeof deleted !== 'boolean') throw new ShapeError('the deletion answer has no "deleted" boolean');
  return {
    id: requiredString(record, 'id', 'the deletion answer'),
    object: optionalString(record, 'object') ?? 'file',
    deleted,
  };
}

export function parseSignedUrl(value: unknown): SignedUrl {
  const record = asObject(value, 'the signed URL answer');
  const url = requiredString(record, 'url', 'the signed URL answer');
  if (!/^https?:\/\//i.test(url)) throw new ShapeError('the signed URL is not an http(s) URL');
  return { url };
}
