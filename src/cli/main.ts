// Placeholder; replaced by the foundation issue's CLI.
console.error('mistral-files CLI: not built yet');
process.exitCode = 1;
