/** Converting other data formats to Mistral's JSONL, and splitting JSONL files. Pure: no `vscode` import. */
export { convertFile, SOURCE_FORMATS, type ConvertOptions, type ConvertResult, type SourceFormat } from './convert';
export { ConvertInputError, mapColumns, readCsvHeader, type CsvOptions } from './csv';
export { detectSource, type DetectedFormat, type Detection } from './detect';
export { renderConvertReport, renderSplitReport } from './render';
export { splitFile, splitPlan, DEFAULT_MAX_SHARD_BYTES, DEFAULT_VALIDATION, SplitInputError, OutputExistsError, type SplitOptions, type SplitResult } from './split';
export { parseSize, parseValidationSize } from './sizes';
