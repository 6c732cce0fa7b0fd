export default async function globalTeardown(): Promise<void> {
  await globalThis.__SWITCHBOARD_TEST_DB__?.drop();
}
