import { toJson } from '@bufbuild/protobuf';
import type { Logger } from 'pino';
import { ValueSchema } from '@bufbuild/protobuf/wkt';
import type { Authenticator } from '../../auth/authenticator.js';
import type { CommandBus } from '../../commands/command-bus.js';
import { executeBpmCommand } from '../../commands/execute-bpm-command.js';
import { toErrorEnvelope } from '../error-table.js';
import { isJsonMediaType, mediaType } from '../http/content-type.js';
import type { HttpRoute } from '../http/http-types.js';
import { readBody } from '../http/read-body.js';
import { sendFailure, sendSuccess } from '../http/send-json.js';
import { invocationFrom } from '../invocation.js';
import { parseGatewayRequest } from './parse-gateway-request.js';

export interface GatewayDeps {
  readonly bus: CommandBus;
  readonly authenticate: Authenticator;
  readonly maxBodyBytes: number;
  readonly log: Logger;
}

/** `POST /api/bpm/cmd`: the legacy JSON envelope onto the same commands the RPCs run. */
export function createBpmCommandGateway(deps: GatewayDeps): HttpRoute {
  return {
    path: '/api/bpm/cmd',
    async handle(request, response) {
      if (request.method !== 'POST') {
        sendFailure(response, 405, { message: 'Method not allowed', errors: ['Use POST'] }, { allow: 'POST' });
        return;
      }
      try {
        const invocation = await invocationFrom(deps.authenticate, {
          authorization: request.headers.authorization,
          requestId: header(request.headers['x-request-id']),
        });
        const type = mediaType(request);
        if (type !== '' && !isJsonMediaType(type)) {
          sendFailure(response, 415, { message: 'Unsupported media type', errors: ['Send application/json'] });
          return;
        }
        const body = await readBody(request, deps.maxBodyBytes);
        switch (body.kind) {
          case 'too_large':
            sendFailure(response, 413, { message: 'Payload too large', errors: [`The body exceeds ${deps.maxBodyBytes} bytes`] });
            return;
          case 'aborted':
            response.destroy();
            return;
          case 'ok': {
            const result = await executeBpmCommand(deps.bus, parseGatewayRequest(body.body.toString('utf8')), invocation);
            sendSuccess(response, 200, result.data && toJson(ValueSchema, result.data), result.message);
            return;
          }
          default:
            body satisfies never;
        }
      } catch (error) {
        const { status, failure } = toErrorEnvelope(error);
        if (status >= 500) deps.log.error({ err: failure.cause ?? failure }, 'gateway request failed');
        sendFailure(response, status, failure);
      }
    },
  };
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
