/** Readers for the OCR and transcription answers: required fields checked, the rest defaulted (see core/shapes.ts). */
import { ShapeError, asObject, optionalNumber, optionalString, requiredNumber, requiredString } from '../core/shapes';
import type { OcrImage, OcrPage, OcrResult, Transcription, TranscriptionSegment } from './types';

function array(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(`${what} is not a list`);
  return value;
}

function parseImage(value: unknown, what: string): OcrImage {
  const record = asObject(value, what);
  return {
    id: requiredString(record, 'id', what),
    top_left_x: optionalNumber(record, 'top_left_x'),
    top_left_y: optionalNumber(record, 'top_left_y'),
    bottom_right_x: optionalNumber(record, 'bottom_right_x'),
    bottom_right_y: optionalNumber(record, 'bottom_right_y'),
    image_base64: optionalString(record, 'image_base64'),
  };
}

function parsePage(value: unknown, position: number): OcrPage {
  const what = `OCR page ${position + 1}`;
  const record = asObject(value, what);
  const dimensions = record.dimensions === null || record.dimensions === undefined ? null : asObject(record.dimensions, `${what} dimensions`);
  return {
    index: requiredNumber(record, 'index', what),
    markdown: requiredString(record, 'markdown', what),
    images: record.images === undefined || record.images === null ? [] : array(record.images, `${what} images`).map((image, n) => parseImage(image, `${what} image ${n + 1}`)),
    dimensions: dimensions && {
      dpi: requiredNumber(dimensions, 'dpi', `${what} dimensions`),
      height: requiredNumber(dimensions, 'height', `${what} dimensions`),
      width: requiredNumber(dimensions, 'width', `${what} dimensions`),
    },
  };
}

export function parseOcrResult(value: unknown): OcrResult {
  const record = asObject(value, 'OCR answer');
  const usage = record.usage_info === undefined || record.usage_info === null ? {} : asObject(record.usage_info, 'OCR usage_info');
  const pages = array(record.pages, 'OCR answer pages').map(parsePage);
  return {
    pages,
    model: optionalString(record, 'model') ?? '',
    usage_info: { pages_processed: optionalNumber(usage, 'pages_processed') ?? pages.length, doc_size_bytes: optionalNumber(usage, 'doc_size_bytes') },
  };
}

function parseSegment(value: unknown, position: number): TranscriptionSegment {
  const what = `Transcription segment ${position + 1}`;
  const record = asObject(value, what);
  return {
    text: requiredString(record, 'text', what),
    start: requiredNumber(record, 'start', what),
    end: requiredNumber(record, 'end', what),
    speaker_id: optionalString(record, 'speaker_id'),
  };
}

export function parseTranscription(value: unknown): Transcription {
  const record = asObject(value, 'Transcription answer');
  const usage = record.usage === undefined || record.usage === null ? {} : asObject(record.usage, 'Transcription usage');
  return {
    model: optionalString(record, 'model') ?? '',
    text: requiredString(record, 'text', 'Transcription answer'),
    language: optionalString(record, 'language'),
    segments: record.segments === undefined || record.segments === null ? [] : array(record.segments, 'Transcription segments').map(parseSegment),
    usage: { prompt_audio_seconds: optionalNumber(usage, 'prompt_audio_seconds') },
  };
}
