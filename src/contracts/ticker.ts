/** A ticker symbol as every request, workflow and provider takes it: upper case, 1-15 characters (BRK.B, ^GSPC, EURUSD=X). */
export const TICKER_PATTERN = /^[A-Z][A-Z0-9.\-^=]{0,14}$/;
