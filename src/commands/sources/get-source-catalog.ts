import {
  GetSourceCatalogQuerySchema,
  GetSourceCatalogResponseSchema,
} from '../../../gen/bpm/webhooks/v1/source_catalog_service_pb.js';
import { sourceCatalog, sourceNames } from '../../sources/source-catalog.js';
import type { SourceEntry } from '../../sources/source-entry.js';
import { defineCommand } from '../command.js';

/** Lists the source catalog: what each sender signs, what to paste, its dedup key and caller addresses. */
export const getSourceCatalog = defineCommand({
  name: GetSourceCatalogQuerySchema.name,
  input: GetSourceCatalogQuerySchema,
  output: GetSourceCatalogResponseSchema,
  permission: 'webhooks:read',
  successMessage: 'Source catalog retrieved successfully',
  runnableFromWebhook: false,
  description: 'Lists the sources a configuration can name, with what each needs',
  async handle() {
    return {
      data: sourceNames.map((name) => {
        const entry: SourceEntry = sourceCatalog[name];
        const verification = entry.verification;
        return {
          name,
          title: entry.title,
          secret: entry.secret,
          scheme: verification?.scheme ?? '',
          header: verification?.header ?? '',
          signs: verification?.signs ?? 'nothing',
          ...(verification?.toleranceSeconds != null && { toleranceSeconds: verification.toleranceSeconds }),
          dedupKey: [...entry.dedupKey],
          eventType: entry.eventType ?? '',
          callerIps: entry.callerIps,
          answer: entry.answer,
          fixedPath: entry.fixedPath ?? '',
          citations: [...entry.citations],
          gaps: [...entry.gaps],
        };
      }),
    };
  },
});
