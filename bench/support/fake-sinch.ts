import { type ChildProcess, fork } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What the fake Sinch SMS server (bench/fake-sinch-sms.ts) counted. */
export interface FakeStats {
  batches: number;
  recipients: number;
  rejected: number;
  duplicateReferences: number;
  firstAt: number;
  lastAt: number;
  /** Recipients received per wall-clock second (key: Unix seconds). */
  perSecond: Record<string, number>;
  rssMb: number;
}

/** The fake Sinch SMS server in a child process of its own, so the load it takes costs the app nothing. */
export class FakeSinch {
  private constructor(
    private readonly child: ChildProcess,
    readonly origin: string,
  ) {}

  static start(): Promise<FakeSinch> {
    const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'fake-sinch-sms.js');
    const child = fork(script, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`The fake Sinch SMS server exited with code ${code}`)));
      child.once('message', (message: { type: string; port: number }) => {
        if (message.type === 'listening') resolve(new FakeSinch(child, `http://127.0.0.1:${message.port}`));
      });
    });
  }

  stats(): Promise<FakeStats> {
    return new Promise((resolve) => {
      const onMessage = (message: FakeStats & { type: string }) => {
        if (message.type !== 'stats') return;
        this.child.off('message', onMessage);
        resolve(message);
      };
      this.child.on('message', onMessage);
      this.child.send({ type: 'stats' });
    });
  }

  stop(): Promise<void> {
    if (this.child.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.removeAllListeners('exit');
      this.child.once('exit', () => resolve());
      this.child.send({ type: 'stop' });
      setTimeout(() => this.child.kill('SIGKILL'), 3000).unref();
    });
  }
}
