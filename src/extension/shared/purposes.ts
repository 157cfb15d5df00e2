/** The purposes table lives in pure code (src/purposes) so the CLI reads the same one; the extension imports it here. */
export * from '../../purposes/purposes';
