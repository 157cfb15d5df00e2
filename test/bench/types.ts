/** One row of `npm run bench`'s table. Figures of one section are measured side by side in the same run. */
export interface BenchRow {
  section: string;
  /** Who did the work: "ours", "official SDK", "curl", "naive baseline". */
  contender: string;
  operation: string;
  megabytes: number;
  seconds: number;
  peakRssMb: number;
  note?: string;
}
