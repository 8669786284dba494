import { isSecretParameter } from '../../domain/config-secrets.js';
import { secretMask } from '../../domain/secret-mask.js';
import { replaceUrlCredentials, urlCredentials } from '../../domain/url-credentials.js';
import type { CommandChainStep } from '../../domain/execution-target.js';
import { invalidArgument } from '../../errors.js';

/*
 * Chain-step parameters are write-only where they hold credentials: every value under a `headers`
 * object, every value whose name looks like a credential (isSecretName), at any depth, and the
 * credentials in the query string of a URL (`?access_token=`, `key`, `sig`: isSecretQueryName).
 * Reads show them as the mask; the executors get the stored values.
 */

/** The chain as reads show it: secret parameter values replaced by the mask (null and "" stay as they are). */
export function maskChainSecrets(chain: readonly CommandChainStep[]): CommandChainStep[] {
  return chain.map((step) => ({
    commandName: step.commandName,
    parameters: mask(step.parameters, false, '') as Record<string, unknown>,
  }));
}

/**
 * The chain to store from a create or update: where a secret value is sent back as the mask, the
 * stored value at the same place (same step index and command, same path) is kept. A mask with
 * nothing stored to keep is refused ("Validation failed") rather than stored as a secret.
 */
export function keepMaskedSecrets(
  chain: readonly CommandChainStep[],
  stored: readonly CommandChainStep[] | null,
): CommandChainStep[] {
  const problems: string[] = [];
  const kept = chain.map((step, index) => {
    const previous = stored?.[index]?.commandName === step.commandName ? stored[index]!.parameters : undefined;
    const path = `commandChain[${index}].parameters`;
    return {
      commandName: step.commandName,
      parameters: keep(step.parameters, previous, false, '', path, problems) as Record<string, unknown>,
    };
  });
  if (problems.length > 0) throw invalidArgument('Validation failed', problems);
  return kept;
}

function mask(value: unknown, secret: boolean, name: string): unknown {
  if (secret) return value === null || value === '' ? value : secretMask;
  if (typeof value === 'string') return replaceUrlCredentials(value, secretMask);
  if (Array.isArray(value)) return value.map((item) => mask(item, false, name));
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([child, v]) => [child, mask(v, isSecretParameter(name, child), child)]));
}

function keep(value: unknown, stored: unknown, secret: boolean, name: string, path: string, problems: string[]): unknown {
  if (secret && value === secretMask) {
    if (stored === undefined || stored === secretMask)
      problems.push(`${path} is "${secretMask}" but no stored value is there to keep`);
    return stored;
  }
  if (typeof value === 'string' && !secret) return keepUrlCredentials(value, stored, path, problems);
  if (Array.isArray(value)) {
    return value.map((item, i) =>
      keep(item, Array.isArray(stored) ? stored[i] : undefined, secret, name, `${path}[${i}]`, problems),
    );
  }
  if (!isObject(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([child, v]) => [
      child,
      keep(
        v,
        isObject(stored) ? stored[child] : undefined,
        secret || isSecretParameter(name, child),
        child,
        `${path}.${child}`,
        problems,
      ),
    ]),
  );
}

/** A URL read back with masked credentials is the stored URL; a masked credential in any other URL has nothing to keep. */
function keepUrlCredentials(value: string, stored: unknown, path: string, problems: string[]): string {
  if (!urlCredentials(value).includes(secretMask)) return value;
  if (typeof stored === 'string' && replaceUrlCredentials(stored, secretMask) === value) return stored;
  problems.push(`${path} has a "${secretMask}" credential in its query but no stored URL is there to keep`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
