export default async function globalTeardown(): Promise<void> {
  await globalThis.__tradeflowDevServer?.stop();
  globalThis.__tradeflowPostgres?.stop();
}
