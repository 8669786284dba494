import type { MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import type { ConfigDryRunSchema } from '../../../gen/bpm/webhooks/v1/config_dry_run_pb.js';
import type { ConfigDryRun } from '../../executors/dry-run.js';
import { valueFromJson } from '../value-json.js';

/** A dry run as the API shows it. */
export function toConfigDryRunMessage(run: ConfigDryRun): MessageInitShape<typeof ConfigDryRunSchema> {
  const { path, correlation, httpResponse } = run;
  return {
    kind: run.kind,
    success: run.success,
    result: valueFromJson(run.result),
    errors: [...run.errors],
    logs: run.logs.map((line) => ({ level: line.level, message: line.message, at: timestampFromDate(line.at) })),
    commands: run.commands.map((command) => ({
      commandName: command.commandName,
      data: valueFromJson(command.data),
      activityId: command.activityId ?? '',
    })),
    ...(path && {
      path: {
        status: path.status,
        stoppedAt: path.stoppedAt,
        activities: path.activities.map((activity) => ({
          id: activity.id,
          name: activity.name,
          type: activity.type,
          startedAt: timestampFromDate(new Date(activity.startedAt)),
          ...(activity.endedAt && { endedAt: timestampFromDate(new Date(activity.endedAt)) }),
          outcome: activity.outcome,
        })),
        flows: path.flows.map(({ conditionValue, ...flow }) => ({
          ...flow,
          ...(conditionValue !== undefined && { conditionValue: valueFromJson(conditionValue) }),
        })),
      },
    }),
    ...(correlation && {
      correlation: {
        correlationKey: correlation.correlationKey,
        messageName: correlation.messageName,
        ...(correlation.instanceId !== undefined && { instanceId: BigInt(correlation.instanceId) }),
        waitingInstanceIds: correlation.waitingInstanceIds.map(BigInt),
        wouldStartInstance: correlation.wouldStartInstance,
      },
    }),
    ...(httpResponse && {
      httpResponse: { status: httpResponse.status, headers: httpResponse.headers, bodyJson: JSON.stringify(httpResponse.body) },
    }),
    durationMs: run.durationMs,
  };
}
