import type { ProvidersConfig } from '../config/config.js';
import { createMonoProvider } from './mono/mono-provider.js';
import type { ProviderPreset } from './provider-preset.js';
import { createRemitaProviders } from './remita/remita-providers.js';

export const providerNames = ['mono', 'remita-payment', 'remita-collection'] as const;
export type ProviderName = (typeof providerNames)[number];

/** Every fixed endpoint, by source name: adding a provider is a folder and an entry here. */
export function createProviders(config: ProvidersConfig): Record<ProviderName, ProviderPreset> {
  const remita = createRemitaProviders({
    allowedIps: config.remitaAllowedIps,
    allowAnyIp: config.remitaAllowAnyIp,
    notificationToken: config.remitaNotificationToken,
  });
  return {
    mono: createMonoProvider({ webhookSecret: config.monoWebhookSecret }),
    'remita-payment': remita.payment,
    'remita-collection': remita.collection,
  } satisfies Record<ProviderName, ProviderPreset>;
}
