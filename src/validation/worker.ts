// Placeholder; replaced by the validation issue's worker.
export {};
