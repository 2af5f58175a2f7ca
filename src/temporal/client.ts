import { Client, Connection } from '@temporalio/client';
import { dataConverterFor, type PayloadKeys } from './payload-codec';

export interface TemporalClient {
  client: Client;
  connection: Connection;
  close(): Promise<void>;
}

/** A client that encrypts what it sends and decrypts what it reads with `keys` (see payload-codec.ts). */
export async function connectTemporalClient(address: string, namespace: string, keys: PayloadKeys): Promise<TemporalClient> {
  const connection = await Connection.connect({ address });
  const client = new Client({ connection, namespace, dataConverter: dataConverterFor(keys) });
  return { client, connection, close: () => connection.close() };
}

/** Is the Temporal frontend answering? Bounded so a readiness probe never hangs. */
export async function pingTemporal(connection: Connection, timeoutMs = 2000): Promise<void> {
  await connection.withDeadline(Date.now() + timeoutMs, () => connection.workflowService.getSystemInfo({}));
}
