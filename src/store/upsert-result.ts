/** What an upsert of bars did (daily and intraday stores alike). */
export interface UpsertBarsResult {
  inserted: number;
  updated: number;
  unchanged: number;
}
