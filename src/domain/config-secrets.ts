import type { JsonValue } from '@bufbuild/protobuf';
import { isSecretName } from './is-secret-name.js';
import { secretMask } from './secret-mask.js';
import { urlCredentials } from './url-credentials.js';
import type { WebhookConfig } from './webhook-config.js';

/** Whether a chain-step parameter holds a credential: every value under `headers`, and every value named like one. */
export function isSecretParameter(parent: string, child: string): boolean {
  return parent.toLowerCase() === 'headers' || isSecretName(child);
}

/**
 * Every secret a configuration holds, as the text it could show up as: verification secrets (a
 * rotation's old ones too), the
 * values of secret chain-step parameters (a `Bearer x` header also as `x`), and credentials in the
 * query strings of URLs among its parameters. What leaves the service is redacted of these.
 */
export function secretValuesOf(config: Pick<WebhookConfig, 'verification' | 'target' | 'retiringSecrets'>): string[] {
  const found = new Set<string>(config.verification?.secrets ?? []);
  for (const { secret } of config.retiringSecrets) found.add(secret);
  const steps = config.target.case === 'chain' ? config.target.steps : [];
  for (const step of steps) collect(step.parameters, false, '', found);
  return [...found].filter((value) => value !== '');
}

function collect(value: unknown, secret: boolean, name: string, found: Set<string>): void {
  if (typeof value === 'string') {
    if (secret) addWithScheme(value, found);
    for (const credential of urlCredentials(value)) found.add(credential);
    return;
  }
  if (secret && (typeof value === 'number' || typeof value === 'bigint')) found.add(String(value));
  if (Array.isArray(value)) {
    for (const item of value) collect(item, secret, name, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [child, inner] of Object.entries(value)) collect(inner, secret || isSecretParameter(name, child), child, found);
  }
}

/** `Bearer abc` is found as itself and as `abc`: a target may echo either. */
function addWithScheme(value: string, found: Set<string>): void {
  found.add(value);
  const credential = /^(?:bearer|basic|token|apikey)\s+(\S.*)$/i.exec(value)?.[1];
  if (credential) found.add(credential);
}

/**
 * A JSON value with every occurrence of the secrets in its strings (keys too) replaced by
 * the mask (`****`, as in configuration reads). Secrets shorter than four characters are replaced only where a whole string equals them:
 * inside longer text they would match by chance.
 */
export function redactSecretValues(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (secrets.length === 0) return value;
  const long = [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
  const short = new Set(secrets.filter((secret) => secret.length < 4));
  const text = (input: string): string => {
    if (short.has(input)) return secretMask;
    let output = input;
    for (const secret of long) if (output.includes(secret)) output = output.split(secret).join(secretMask);
    return output;
  };
  const walk = (inner: JsonValue): JsonValue => {
    if (typeof inner === 'string') return text(inner);
    if (Array.isArray(inner)) return inner.map(walk);
    if (inner === null || typeof inner !== 'object') return inner;
    return Object.fromEntries(Object.entries(inner).map(([key, child]) => [text(key), walk(child)]));
  };
  return walk(value);
}
