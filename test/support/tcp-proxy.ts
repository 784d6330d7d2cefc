// A loopback TCP forwarder to a real server that a test can cut and restore:
// clients see exactly what a server going away looks like (reset
// connections, then refused ones), without stopping a server others share.
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Drops every connection and refuses new ones until restore(). */
  cut(): Promise<void>;
  /**
   * Lets nothing through any more, without closing anything: connections
   * stay open and new ones are accepted, but no byte passes either way (a
   * server that hangs). Until close().
   */
  stall(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let stalled = false;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const server = net.createServer((client) => {
    if (stalled) {
      track(client);
      client.pause();
      return;
    }
    const upstream = net.connect(target);
    track(client);
    track(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      if (!server.listening) return resolve();
      server.close(() => resolve());
    });
  const stall = () => {
    stalled = true;
    for (const socket of sockets) {
      socket.unpipe();
      socket.pause();
    }
  };
  return { port, cut: stop, stall, restore: () => listen(port), close: stop };
}
