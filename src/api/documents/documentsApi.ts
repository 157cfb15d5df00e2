import type { OcrOptions, OcrResult, Transcription, TranscriptionOptions } from './types';

/**
 * What the extension and the CLI need from Mistral's document services, on files already uploaded (purpose `ocr` or
 * `audio`). `DocumentsClient` implements it over the shared connection. Every method rejects with `MistralApiError` only.
 */
export interface DocumentsApi {
  /** `POST /v1/ocr` with `{"type":"file","file_id"}`: the document's pages as Markdown (and images when asked). */
  ocr(fileId: string, options?: OcrOptions): Promise<OcrResult>;
  /** `POST /v1/audio/transcriptions` with `file_id`: the text, and timed segments when asked. */
  transcribe(fileId: string, options?: TranscriptionOptions): Promise<Transcription>;
}
