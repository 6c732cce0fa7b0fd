import { TokenBucket } from './token-bucket.js';

function fakeClock() {
  let now = 0;
  const slept: number[] = [];
  return {
    now: () => now,
    sleep: (ms: number) => {
      slept.push(ms);
      now += ms;
      return Promise.resolve();
    },
    slept,
    advance: (ms: number) => (now += ms),
  };
}

describe('TokenBucket', () => {
  it('lets one second of tokens through at once, then waits for the refill', async () => {
    const clock = fakeClock();
    const sut = new TokenBucket(10, clock.now, clock.sleep);

    await sut.take(10);
    expect(clock.slept).toEqual([]);
    await sut.take(5);
    expect(clock.slept).toEqual([500]);
  });

  it('refills with elapsed time, never above one second worth', async () => {
    const clock = fakeClock();
    const sut = new TokenBucket(4, clock.now, clock.sleep);
    await sut.take(4);
    clock.advance(10_000);

    await sut.take(4);
    await sut.take(1);
    expect(clock.slept).toEqual([250]);
  });

  it('gives up waiting when told to stop', async () => {
    const clock = fakeClock();
    const sut = new TokenBucket(1, clock.now, clock.sleep);
    await sut.take(1);

    await expect(sut.take(1, () => true)).resolves.toBe(false);
  });
});
