import net from 'node:net';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import '../../src/db/drain-wait-fix';

/**
 * The driver (as mongoose loads it) writing a command to a socket the server
 * has just closed: the command must fail as a network error, not wait forever
 * for a `drain` that never comes (src/db/drain-wait-fix.ts). Without the fix the
 * monitor's heartbeat hung like this after FerretDB restarted, and the API saw
 * the server as Unknown until it was restarted itself.
 */
const fromMongoose = createRequire(require.resolve('mongoose'));
const { Connection } = fromMongoose('mongodb/lib/cmap/connection') as {
  Connection: new (socket: net.Socket, options: Record<string, unknown>) => {
    command(ns: unknown, cmd: Record<string, unknown>, options: Record<string, unknown>): Promise<unknown>;
  };
};
const { HostAddress, MongoDBNamespace } = fromMongoose('mongodb/lib/utils') as {
  HostAddress: { fromString(s: string): unknown };
  MongoDBNamespace: { fromString(s: string): unknown };
};

function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still waiting after ${ms} ms`)), ms))]);
}

describe('a driver command written to a socket the server has closed', () => {
  const cleanup: (() => void)[] = [];
  afterEach(() => {
    for (const done of cleanup.splice(0)) done();
  });

  it('fails with a network error instead of waiting for drain forever', async () => {
    const server = net.createServer(() => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanup.push(() => server.close());
    const port = (server.address() as net.AddressInfo).port;
    const socket = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const connection = new Connection(socket, {
      id: 1,
      generation: 0,
      hostAddress: HostAddress.fromString(`127.0.0.1:${port}`),
      socketTimeoutMS: 0,
      monitorCommands: false,
      loadBalanced: false,
    });
    // The socket is gone (the peer closed it) but its 'close' has not been handled yet:
    // the connection still counts as open, and the write returns false without an error.
    socket.destroy();
    const sent = connection.command(MongoDBNamespace.fromString('admin.$cmd'), { hello: 1 }, {});
    await expect(settledWithin(sent, 2000)).rejects.toMatchObject({ name: 'MongoNetworkError' });
  });
});
