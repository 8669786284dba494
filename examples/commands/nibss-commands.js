// A bank's own commands, loaded at start with COMMAND_MODULES=examples/commands/nibss-commands.js.
// Plain ESM JavaScript: node loads it as is, no build step. Each command has a name, a handler and
// an optional input schema (any Standard Schema: zod 4 here).
import { z } from 'zod';

/** NIBSS Instant Payment (NIP) response codes the bank treats as final. */
const responseCodes = {
  '00': 'Approved or completed successfully',
  '03': 'Invalid sender',
  '05': 'Do not honor',
  '06': 'Dormant account',
  '07': 'Invalid account',
  '08': 'Account name mismatch',
  '09': 'Request processing in progress',
  12: 'Invalid transaction',
  13: 'Invalid amount',
  25: 'Unable to locate record',
  26: 'Duplicate record',
  51: 'No sufficient funds',
  91: 'Beneficiary bank not available',
  94: 'Duplicate transaction',
  96: 'System malfunction',
};

const digits = (length) => z.string().regex(new RegExp(`^\\d{${length}}$`), `must be ${length} digits`);

/** A NIP inward credit notification as the NIBSS gateway posts it (JSON form of the NIP XML). */
const nipNotification = z.object({
  SessionID: digits(30),
  NameEnquiryRef: z.string().max(30).optional(),
  DestinationInstitutionCode: digits(6),
  ChannelCode: z.coerce.number().int().min(1).max(12),
  BeneficiaryAccountName: z.string().min(1).max(100),
  BeneficiaryAccountNumber: digits(10),
  OriginatorAccountName: z.string().min(1).max(100),
  OriginatorAccountNumber: digits(10),
  OriginatorBankVerificationNumber: digits(11).optional(),
  Narration: z.string().max(100).default(''),
  PaymentReference: z.string().max(100).default(''),
  Amount: z.union([z.number(), z.string().regex(/^\d+(\.\d{1,2})?$/, 'must be an amount in naira')]),
  ResponseCode: z.string().default('00'),
});

/** The command's input: the webhook context (the native executor, a chain step or doCmd data). */
const input = z.looseObject({
  body: nipNotification,
  parameters: z.looseObject({ creditAccountPrefix: z.string().optional() }).optional(),
});

export const commands = [
  {
    name: 'ProcessNibssPaymentNotificationCommand',
    description: 'Validates a NIBSS NIP inward credit notification and turns it into a posting instruction',
    successMessage: 'NIBSS payment notification processed',
    inputSchema: input,
    /**
     * @param {z.infer<typeof input>} notification
     * @param {{ requestId: string, caller: string, log: import('pino').Logger, now(): Date }} context
     */
    handler({ body }, context) {
      const amountKobo = Math.round(Number(body.Amount) * 100);
      if (amountKobo <= 0) throw new Error('Amount must be greater than zero');
      const approved = body.ResponseCode === '00';
      context.log.info({ sessionId: body.SessionID, approved }, 'NIBSS notification');
      return {
        action: approved ? 'CREDIT' : 'IGNORE',
        reason: responseCodes[body.ResponseCode] ?? `Unknown response code ${body.ResponseCode}`,
        sessionId: body.SessionID,
        creditAccount: body.BeneficiaryAccountNumber,
        beneficiaryName: body.BeneficiaryAccountName,
        amountKobo,
        currency: 'NGN',
        originator: {
          name: body.OriginatorAccountName,
          account: body.OriginatorAccountNumber,
          bvn: body.OriginatorBankVerificationNumber ?? null,
        },
        channelCode: body.ChannelCode,
        narration: body.Narration,
        reference: body.PaymentReference || body.SessionID,
        processedAt: context.now().toISOString(),
      };
    },
  },
];
