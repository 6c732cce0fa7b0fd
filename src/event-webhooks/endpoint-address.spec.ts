import { isPrivateAddress, urlShapeProblem } from './endpoint-address.js';

describe('Endpoint addresses', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.20.0.1',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fe80::1',
    'fd12::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
  ])('refuses %s', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('allows %s', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });

  it('wants https, no credentials and no literal private host unless private endpoints are allowed', () => {
    expect(urlShapeProblem('https://crm.example.com/hooks', false)).toBeUndefined();
    expect(urlShapeProblem('http://crm.example.com/hooks', false)).toBe('must be an https URL');
    expect(urlShapeProblem('https://user:pw@crm.example.com/', false)).toBe('must not contain credentials');
    expect(urlShapeProblem('https://127.0.0.1/', false)).toMatch(/private/);
    expect(urlShapeProblem('https://[::1]/', false)).toMatch(/private/);
    expect(urlShapeProblem('https://localhost:8443/', false)).toMatch(/loopback/);
    expect(urlShapeProblem('not a url', false)).toBe('must be an absolute URL');
    expect(urlShapeProblem('http://127.0.0.1:9000/', true)).toBeUndefined();
    expect(urlShapeProblem('ftp://127.0.0.1/', true)).toBe('must be an http or https URL');
  });
});
