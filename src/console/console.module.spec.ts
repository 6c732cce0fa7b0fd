import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Controller, Get, type INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';

import { CONSOLE_NOT_BUILT, ConsoleModule } from './console.module.js';

@Controller('api')
class PingController {
  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }
}

const httpOf = (app: INestApplication) => request(app.getHttpServer() as Server);

async function startWithConsoleAt(distDir: string): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [ConsoleModule.register(distDir)],
    controllers: [PingController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

describe('the console module', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchboard-console-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  describe('with a built console', () => {
    let sut: INestApplication;

    beforeAll(async () => {
      const dist = tempDir();
      mkdirSync(join(dist, 'assets'));
      writeFileSync(join(dist, 'index.html'), '<!doctype html><title>Switchboard console</title>');
      writeFileSync(join(dist, 'assets', 'index-Ab12Cd34.js'), 'export const app = 1;');
      writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
      sut = await startWithConsoleAt(dist);
    });
    afterAll(() => sut.close());

    it.each([
      '/console',
      '/console/',
      '/console/inbox',
      '/console/inbox/0b9e3b5e-4a0f-4d3c-9f0e-2d6c1a7b8c9d',
      '/console/campaigns/new',
    ])('answers the client-side route %s with index.html, never cached', async (path) => {
      const response = await httpOf(sut).get(path).expect(200);

      expect(response.headers['content-type']).toMatch(/^text\/html/);
      expect(response.text).toContain('Switchboard console');
      expect(response.headers['cache-control']).toBe('no-cache');
    });

    it('serves hashed assets with a year-long immutable cache', async () => {
      const response = await httpOf(sut).get('/console/assets/index-Ab12Cd34.js').expect(200);

      expect(response.headers['content-type']).toMatch(/javascript/);
      expect(response.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    });

    it('revalidates files whose names carry no hash', async () => {
      const response = await httpOf(sut).get('/console/favicon.svg').expect(200);

      expect(response.headers['cache-control']).toBe('no-cache');
    });

    it('answers 404 for a missing file instead of sending index.html as a script', async () => {
      await httpOf(sut).get('/console/assets/index-gone.js').expect(404);
    });

    it('leaves routes outside /console alone', async () => {
      await httpOf(sut).get('/api/ping').expect(200, { pong: true });
      const unknown = await httpOf(sut).get('/api/no-such-route').expect(404);
      expect(unknown.text).not.toContain('Switchboard console');
      await httpOf(sut).get('/consoles').expect(404);
    });

    it('does not answer other methods with the page', async () => {
      await httpOf(sut).post('/console/inbox').expect(404);
    });

    it('does not serve files outside its directory', async () => {
      const response = await httpOf(sut).get('/console/..%2f..%2fetc%2fpasswd');

      expect(response.text).not.toContain('root:');
    });
  });

  describe('without a built console', () => {
    let sut: INestApplication;

    beforeAll(async () => {
      sut = await startWithConsoleAt(join(tempDir(), 'dist'));
    });
    afterAll(() => sut.close());

    it('answers 503 saying how to build it', async () => {
      const response = await httpOf(sut).get('/console').expect(503);

      expect(response.body).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        message: CONSOLE_NOT_BUILT,
      });
    });

    it('still serves the rest of the app', async () => {
      await httpOf(sut).get('/api/ping').expect(200);
    });
  });
});
