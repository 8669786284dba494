import type { Db } from './open-database.js';

const table = 'process_message_deliveries';

/**
 * Records that a webhook event was delivered to an instance as a message. Written in the same
 * transaction as the first state the message produced, so a retried attempt either finds this row
 * (and does not deliver again) or finds the instance still waiting for the message.
 */
export async function insertMessageDelivery(
  db: Db,
  delivery: { eventId: number; instanceId: number; messageName: string; now: Date },
): Promise<void> {
  await db(table).insert({
    event_id: delivery.eventId,
    instance_id: delivery.instanceId,
    message_name: delivery.messageName,
    delivered_at: delivery.now,
  });
}

/** The instance a webhook event was delivered to as a message, if it was. */
export async function findMessageDelivery(db: Db, eventId: number): Promise<number | undefined> {
  const row = (await db(table).where({ event_id: eventId }).first('instance_id')) as { instance_id: string | number } | undefined;
  return row && Number(row.instance_id);
}
