import mongoose, { type Connection } from 'mongoose';
// Before any connection: a driver command written to a closed socket must not wait forever.
import './drain-wait-fix';
import { registerModels, type Models } from './models';

export interface Database {
  connection: Connection;
  models: Models;
  close(): Promise<void>;
}

/**
 * One mongoose connection with our models registered on it. Works against
 * MongoDB and against FerretDB v1 (no transactions, no change streams, no
 * $lookup/$facet: see docs/architecture.md).
 */
export async function connectDatabase(uri: string, options: { maxPoolSize?: number; monitorCommands?: boolean } = {}): Promise<Database> {
  const connection = mongoose.createConnection(uri, {
    serverSelectionTimeoutMS: 5000,
    maxPoolSize: options.maxPoolSize ?? 20,
    // Indexes are created explicitly by ensureIndexes(), once, not on every model compile.
    autoIndex: false,
    autoCreate: false,
    // Off but for tests that count the requests a piece of work makes.
    monitorCommands: options.monitorCommands ?? false,
  });
  await connection.asPromise();
  const models = registerModels(connection);
  return {
    connection,
    models,
    close: () => connection.close(),
  };
}

/**
 * Creates collections and indexes; idempotent, run at worker and API start. An index
 * already there is not asked for again: every process of a deployment runs this at
 * start, and on FerretDB an index creation takes a lock over every collection of the
 * server, which under load can stall every other request behind it.
 */
export async function ensureIndexes(models: Models): Promise<void> {
  const first = Object.values(models)[0];
  const db = first?.db.db;
  if (!db) throw new Error('database not connected');
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const model of Object.values(models)) {
    if (!existing.has(model.collection.collectionName)) {
      await model.createCollection().catch((error: { codeName?: string }) => {
        // Another process (API and worker start together) may have created it first.
        if (error.codeName !== 'NamespaceExists') throw error;
      });
    } else if (await hasAllIndexes(model)) {
      continue;
    }
    await model.createIndexes();
  }
}

/** The index names MongoDB gives a key pattern unless one is named: `field_1_other_-1`. */
function indexNameOf(fields: Record<string, unknown>, options: { name?: unknown }): string {
  if (typeof options.name === 'string') return options.name;
  return Object.entries(fields)
    .map(([field, direction]) => `${field}_${String(direction)}`)
    .join('_');
}

async function hasAllIndexes(model: Models[keyof Models]): Promise<boolean> {
  const declared = model.schema.indexes().map(([fields, options]) => indexNameOf(fields, options as { name?: unknown }));
  if (declared.length === 0) return true;
  const present = new Set((await model.collection.listIndexes().toArray()).map((index) => String(index.name)));
  return declared.every((name) => present.has(name));
}

export async function pingDatabase(connection: Connection): Promise<void> {
  const db = connection.db;
  if (!db) throw new Error('database not connected');
  await db.admin().command({ ping: 1 });
}
