/** API_TRUST_PROXY (issue 18, item 13): a hop count or proxy addresses/subnets; plain true is refused by name. */
import { ConfigError, loadConfig } from '../../../src/config';

describe('API_TRUST_PROXY', () => {
  it('takes false, a hop count, or a list of addresses, subnets and Express names', () => {
    expect(loadConfig({}).api.trustProxy).toBe(false);
    expect(loadConfig({ API_TRUST_PROXY: '0' }).api.trustProxy).toBe(false);
    expect(loadConfig({ API_TRUST_PROXY: '2' }).api.trustProxy).toBe(2);
    expect(
      loadConfig({ API_TRUST_PROXY: '10.0.0.0/8, fd00::/8,loopback,192.0.2.10' }).api.trustProxy,
    ).toEqual(['10.0.0.0/8', 'fd00::/8', 'loopback', '192.0.2.10']);
  });

  it.each(['true', 'yes', 'TRUE'])('refuses %p, saying why', (value) => {
    const load = () => loadConfig({ API_TRUST_PROXY: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/API_TRUST_PROXY: true is refused: it trusts every X-Forwarded-For entry/);
  });

  it.each(['10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/2', ','])(
    'names a malformed entry %p',
    (value) => {
      expect(() => loadConfig({ API_TRUST_PROXY: value })).toThrow(/API_TRUST_PROXY: .*not a hop count/);
    },
  );
});
