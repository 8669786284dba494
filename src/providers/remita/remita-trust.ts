import { parseIpAllowList } from '../../router/ip-allow-list.js';
import { constantTimeEqual } from '../../domain/constant-time-equal.js';
import type { Caller, TrustOutcome } from '../../delivery/webhook-source.js';

/** Who may post Remita notifications (REMITA_ALLOWED_IPS, REMITA_ALLOW_ANY_IP, REMITA_NOTIFICATION_TOKEN). */
export interface RemitaTrustSettings {
  /** Comma-separated addresses and CIDRs; empty refuses everyone unless `allowAnyIp`. */
  readonly allowedIps: string;
  readonly allowAnyIp: boolean;
  /** When set, the `token` query parameter must equal it. */
  readonly notificationToken: string | undefined;
}

/**
 * Both Remita endpoints' trust check, before the body is read: the caller's address must be in
 * the allow-list (403), then the `token` query parameter must match when a token is configured (401).
 */
export function createRemitaTrust(settings: RemitaTrustSettings): (caller: Caller) => TrustOutcome {
  const { list, invalid } = parseIpAllowList(settings.allowedIps);
  if (invalid.length > 0) throw new Error(`REMITA_ALLOWED_IPS: not an address or CIDR: ${invalid.join(', ')}`);
  const anyone = settings.allowedIps.trim() === '';
  const token = settings.notificationToken;
  return (request): TrustOutcome => {
    const refusedIp = { ip: { clientIp: request.clientIp, allowed: false, by: 'REMITA_ALLOWED_IPS' } };
    if (anyone && !settings.allowAnyIp) {
      const reason = 'REMITA_ALLOWED_IPS is not set (and REMITA_ALLOW_ANY_IP is not true)';
      return { ok: false, refusal: 'forbidden', reason, trace: refusedIp };
    }
    if (!anyone && !list.allows(request.clientIp)) {
      return { ok: false, refusal: 'forbidden', reason: `${request.clientIp} is not in REMITA_ALLOWED_IPS`, trace: refusedIp };
    }
    const ip = { clientIp: request.clientIp, allowed: true, by: anyone ? 'REMITA_ALLOW_ANY_IP' : 'REMITA_ALLOWED_IPS' };
    if (token === undefined) return { ok: true, trace: { ip, verification: { scheme: 'none', passed: true } } };
    const given = request.query.token;
    if (given === undefined || !constantTimeEqual(given, token)) {
      const reason = given === undefined ? 'token is missing' : 'token does not match';
      return {
        ok: false,
        refusal: 'unauthorized',
        reason,
        trace: { ip, verification: { scheme: 'token', passed: false, reason } },
      };
    }
    return { ok: true, trace: { ip, verification: { scheme: 'token', passed: true } } };
  };
}
