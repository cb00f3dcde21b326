/** What `npm run video` writes into its output folder (docs/media by default): the tour and a few clean stills. */
export const VIDEO_FILE = 'tradeflow-tour.mp4';

/** The stills (no caption bar) the README and the user guide show, by the tour step they come from. */
export const STILLS = {
  run: 'dashboard-run.png',
  signals: 'dashboard-signals.png',
  risk: 'dashboard-risk.png',
  temporal: 'temporal-ui-search-attributes.png',
  apiDocs: 'api-docs.png',
} as const;
