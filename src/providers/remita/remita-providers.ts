import { trusted, type Provider } from '../provider.js';
import { parseRemitaCollection } from './parse-remita-collection.js';
import { parseRemitaPayments } from './parse-remita-payments.js';
import { createRemitaTrust, type RemitaTrustSettings } from './remita-trust.js';

/** Remita's two fixed endpoints, sharing one trust model: payment and collection notifications. */
export function createRemitaProviders(settings: RemitaTrustSettings): { payment: Provider; collection: Provider } {
  const admit = createRemitaTrust(settings);
  const common = { secretQuery: ['token'], admit, verify: () => trusted };
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
