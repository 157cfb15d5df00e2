/**
 * Wire shapes of Mistral's OCR (`POST /v1/ocr`) and transcription (`POST /v1/audio/transcriptions`) answers, as the
 * OpenAPI subset in test/fixtures/emulator/mistral-batch-openapi.yaml gives them, and the options the client takes.
 */
import type { CallOptions } from '../files/types';

export const DEFAULT_OCR_MODEL = 'mistral-ocr-latest';
export const DEFAULT_TRANSCRIPTION_MODEL = 'voxtral-mini-latest';
/** "Uploaded document files must be 50 MB or less and contain 1,000 pages or fewer." */
export const OCR_MAX_BYTES = 50 * 1024 * 1024;
export const OCR_MAX_PAGES = 1000;

export interface OcrImage {
  /** e.g. `img-0.jpeg`; the page's Markdown refers to it as `![img-0.jpeg](img-0.jpeg)`. */
  id: string;
  top_left_x: number | null;
  top_left_y: number | null;
  bottom_right_x: number | null;
  bottom_right_y: number | null;
  /** A data URI (`data:image/jpeg;base64,…`) when asked for with `includeImages`, else null. */
  image_base64: string | null;
}

export interface OcrPage {
  /** 0-based page number in the document. */
  index: number;
  markdown: string;
  images: OcrImage[];
  dimensions: { dpi: number; height: number; width: number } | null;
}

export interface OcrResult {
  pages: OcrPage[];
  /** The concrete model that ran (`mistral-ocr-latest` answers e.g. `mistral-ocr-4-1`). */
  model: string;
  usage_info: { pages_processed: number; doc_size_bytes: number | null };
}

export interface OcrOptions extends CallOptions {
  model?: string;
  /** Pages to read, 0-based: `[0, 2, 3]` or `"0,2-4"`; all when absent. */
  pages?: number[] | string;
  /** Ask for the extracted images' bytes (`include_image_base64`). */
  includeImages?: boolean;
}

export interface TranscriptionSegment {
  text: string;
  /** Seconds from the start. */
  start: number;
  end: number;
  speaker_id: string | null;
}

export interface Transcription {
  model: string;
  text: string;
  language: string | null;
  segments: TranscriptionSegment[];
  usage: { prompt_audio_seconds: number | null };
}

export interface TranscriptionOptions extends CallOptions {
  model?: string;
  /** Two letters, e.g. `en`; detected when absent. */
  language?: string;
  /** Ask for segments with start and end times. */
  timestamps?: boolean;
}
