import type { ProviderPreset } from '../provider-preset.js';
import { parseRemitaCollection } from './parse-remita-collection.js';
import { parseRemitaPayments } from './parse-remita-payments.js';
import { createRemitaTrust, type RemitaTrustSettings } from './remita-trust.js';

/**
 * Remita's two fixed endpoints, sharing one trust model: the caller's address and the URL token,
 * both checked before the body is read (Remita signs nothing, so there is no verification scheme).
 */
export function createRemitaProviders(settings: RemitaTrustSettings): { payment: ProviderPreset; collection: ProviderPreset } {
  const common = { admit: createRemitaTrust(settings), verification: null };
  return {
    payment: {
      ...common,
      source: 'remita-payment',
      path: '/api/webhooks/remita',
      reservedKey: 'remita-payment',
      parse: parseRemitaPayments,
    },
    collection: {
      ...common,
      source: 'remita-collection',
      path: '/api/webhooks/remita/collection-notification',
      reservedKey: 'remita-collection-notification',
      parse: parseRemitaCollection,
    },
  };
}
