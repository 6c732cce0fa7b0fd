// e2e tests boot the real app and sometimes child processes: give them room.
jest.setTimeout(60_000);
