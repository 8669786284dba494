import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';

describe('executor settings from the environment', () => {
  it('has documented defaults', () => {
    expect(loadConfig({}).executors).toEqual({
      commandModules: [],
      forwardAllowedHosts: [],
      forwardTimeoutMs: 10_000,
      script: {
        timeoutMs: 1_000,
        memoryMb: 64,
        poolSize: 2,
        hosts: 2,
        maxLogLines: 100,
        maxLogLineChars: 2_000,
        maxResultBytes: 1024 * 1024,
        maxCommandCalls: 50,
      },
      url: undefined,
      token: undefined,
    });
  });

  it('sends executions to an executor process only when EXECUTOR_URL is set, with its token', () => {
    const token = 'executor-secret-of-at-least-32-chars';
    expect(loadConfig({ EXECUTOR_URL: 'http://10.0.0.7:8081', EXECUTOR_TOKEN: token }).executors).toMatchObject({
      url: 'http://10.0.0.7:8081',
      token,
    });
    expect(() => loadConfig({ EXECUTOR_URL: 'unix:/run/executors.sock' })).toThrow(/EXECUTOR_URL/);
    expect(() => loadConfig({ EXECUTOR_TOKEN: 'short' })).toThrow(/EXECUTOR_TOKEN/);
  });

  it('reads comma-separated lists and numbers', () => {
    const { executors } = loadConfig({
      COMMAND_MODULES: ' ./bank/nibss.js, ./bank/core.js ,',
      FORWARD_ALLOWED_HOSTS: 'core.bank.ng:8443,*.nibss-plc.com.ng, 10.0.0.0/8',
      SCRIPT_TIMEOUT_MS: '250',
      SCRIPT_POOL_SIZE: '4',
      SCRIPT_HOSTS: '3',
    });
    expect(executors.commandModules).toEqual(['./bank/nibss.js', './bank/core.js']);
    expect(executors.forwardAllowedHosts).toEqual(['core.bank.ng:8443', '*.nibss-plc.com.ng', '10.0.0.0/8']);
    expect(executors.script).toMatchObject({ timeoutMs: 250, poolSize: 4, hosts: 3 });
    expect(Object.isFrozen(executors.script)).toBe(true);
  });

  it('refuses at start a FORWARD_ALLOWED_HOSTS entry that could never match a forward', () => {
    expect(() => loadConfig({ FORWARD_ALLOWED_HOSTS: 'core.bank.ng,127.0.0.1:9451' })).toThrow(
      /FORWARD_ALLOWED_HOSTS: "127.0.0.1:9451" would never match: .* so list 127.0.0.1/,
    );
    for (const entry of ['[::1]:8443', '[::1]'])
      expect(() => loadConfig({ FORWARD_ALLOWED_HOSTS: entry })).toThrow(/FORWARD_ALLOWED_HOSTS: .*so list ::1/);
    for (const entry of ['https://core.bank.ng', 'core bank', '*.', 'core.bank.ng:99999'])
      expect(() => loadConfig({ FORWARD_ALLOWED_HOSTS: entry }), entry).toThrow(
        /^Invalid configuration: FORWARD_ALLOWED_HOSTS: /,
      );
    expect(
      loadConfig({ FORWARD_ALLOWED_HOSTS: '127.0.0.1, ::1, hooks.partner.com:443' }).executors.forwardAllowedHosts,
    ).toHaveLength(3);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ SCRIPT_MEMORY_MB: '4', SCRIPT_POOL_SIZE: 'many' })).toThrow(
      /^Invalid configuration: SCRIPT_MEMORY_MB: .*; SCRIPT_POOL_SIZE: /,
    );
  });
});
