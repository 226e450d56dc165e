/**
 * The dev outbox's row → message mapping that the SQLite and PostgreSQL stores share (they differ
 * only in how the id and the time come back from their drivers).
 */
import type { DevOutboxChannel, DevOutboxMessage } from './types.js';

/** The columns of a `dev_outbox` row that both drivers return alike. */
export interface DevOutboxRow {
  channel: DevOutboxChannel;
  recipient: string;
  sender: string;
  subject: string | null;
  body: string;
  iin: string | null;
  kind: 'otp' | 'notification';
  code: string | null;
}

/** A row as a {@link DevOutboxMessage}: absent optional members instead of nulls. */
export function devOutboxMessage(r: DevOutboxRow, id: number, createdAt: Date): DevOutboxMessage {
  return {
    id,
    channel: r.channel,
    recipient: r.recipient,
    sender: r.sender,
    ...(r.subject !== null ? { subject: r.subject } : {}),
    body: r.body,
    ...(r.iin !== null ? { iin: r.iin } : {}),
    kind: r.kind,
    ...(r.code !== null ? { code: r.code } : {}),
    createdAt,
  };
}
