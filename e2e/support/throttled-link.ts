// A slow, breakable network link between the browser and the server: a TCP proxy on loopback whose upstream
// direction (what the browser sends) is held to a byte rate, and which can be cut (every connection dropped, new
// ones refused) and restored. Chromium's own emulation (CDP Network.emulateNetworkConditions) shapes an upload's
// progress events but lets a request body already handed to the network go through when "offline" starts, so a
// cut in the middle of an upload is made here, where the bytes really are.
import net from 'node:net';

/** The link: browse `url` instead of the server's own address. */
export interface ThrottledLink {
  url: string;
  /** Drops every connection and refuses new ones until `restore`. */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

/** A link to `target` (http://host:port) passing at most `bytesPerSecond` from the browser to the server. */
export async function throttledLink(target: string, bytesPerSecond: number): Promise<ThrottledLink> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<net.Socket>();
  let down = false;
  // One budget for the whole link, whatever the number of connections: like a home uplink. An idle link saves up
  // at most half a second of sending.
  let start = Date.now();
  let sent = 0;
  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(Number(port), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.on('data', (chunk: Buffer) => {
      upstream.write(chunk);
      const now = Date.now();
      if (now - (start + (sent / bytesPerSecond) * 1000) > 500) {
        start = now - 500;
        sent = 0;
      }
      sent += chunk.length;
      const ahead = start + (sent / bytesPerSecond) * 1000 - now;
      if (ahead > 0) {
        client.pause();
        setTimeout(() => client.resume(), ahead);
      }
    });
    client.on('end', () => upstream.end());
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    cut() {
      down = true;
      for (const s of sockets) s.destroy();
    },
    restore() {
      down = false;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
