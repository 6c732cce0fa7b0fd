// e2e tests boot the real app and sometimes child processes (whose start waits up to 120 s on a
// loaded CI machine, see app-process.ts): give them room.
jest.setTimeout(150_000);
