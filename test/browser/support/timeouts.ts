// Each browser test starts a server and a browser, then waits for real deliveries.
jest.setTimeout(90_000);
