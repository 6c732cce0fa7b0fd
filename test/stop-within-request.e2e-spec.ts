import { FakeSinchSmsServer } from './fakes/fake-sinch-sms.server.js';
import {
  contactState,
  createChannel,
  randomPhone,
  sinchSmsChannel,
  startMessagingApp,
} from './support/messaging.js';
import { bearer, createUserAndLogin, type TestApp, type TestUser } from './support/test-app.js';
import { pathOf, sinchMoText } from './support/webhooks.js';

/** The promise: by the time the provider gets its 2xx for "STOP", the opt-out is in force. */
describe('STOP takes effect within the webhook request', () => {
  const fake = new FakeSinchSmsServer();
  let sut: TestApp;
  let admin: TestUser;

  beforeAll(async () => {
    await fake.start();
    sut = await startMessagingApp();
    admin = await createUserAndLogin(sut, 'admin');
  });
  afterAll(async () => {
    await sut.close();
    await fake.stop();
  });

  it('refuses a send issued right after the STOP webhook returned, and START restores at once', async () => {
    const channel = await createChannel(sut, admin, sinchSmsChannel(fake));
    const customer = randomPhone();
    const inbound = (body: string) =>
      sut.http
        .post(pathOf(channel.webhookUrls.callback!))
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(sinchMoText({ from: customer.slice(1), to: channel.sender.slice(1), body })))
        .expect(200);

    await inbound('STOP');
    expect((await contactState(sut, customer))?.optedOutAt).toBeInstanceOf(Date);
    await sut.http
      .post('/api/v1/messages')
      .set(bearer(admin))
      .send({ channelId: channel.id, to: customer, text: 'promo' })
      .expect(403);

    await inbound('START');
    expect((await contactState(sut, customer))?.optedOutAt).toBeNull();
    await sut.http
      .post('/api/v1/messages')
      .set(bearer(admin))
      .send({ channelId: channel.id, to: customer, text: 'welcome back' })
      .expect(202);
  });
});
