// Drives LumaDB with Debian's node-redis (v4). Prints "ok" on success; any
// failed assertion throws and exits non-zero. Usage: node node_client.js PORT
const assert = require('assert');
const { createClient } = require('redis');

async function main() {
  const url = `redis://127.0.0.1:${process.argv[2]}`;
  const client = createClient({ url });
  client.on('error', (e) => { throw e; });
  await client.connect();

  assert.strictEqual(await client.ping(), 'PONG');
  assert.strictEqual(await client.set('node:k', 'v', { EX: 100 }), 'OK');
  assert.strictEqual(await client.get('node:k'), 'v');
  assert.ok((await client.ttl('node:k')) > 90);
  assert.strictEqual(await client.incrBy('node:n', 5), 5);
  assert.deepStrictEqual(await client.mGet(['node:k', 'node:none']), ['v', null]);
  assert.strictEqual(await client.sendCommand(['CLIENT', 'SETINFO', 'LIB-NAME', 'node-redis']), 'OK');

  const results = await client.multi().set('node:t', '1').incr('node:t').get('node:t').exec();
  assert.deepStrictEqual(results, ['OK', 2, '2']);

  const seen = [];
  for await (const key of client.scanIterator({ MATCH: 'node:*', COUNT: 2 })) seen.push(key);
  assert.deepStrictEqual(seen.sort(), ['node:k', 'node:n', 'node:t']);

  const sub = client.duplicate();
  await sub.connect();
  const got = new Promise((resolve) => sub.subscribe('node:ch', (message) => resolve(message)));
  await new Promise((r) => setTimeout(r, 100));
  assert.strictEqual(await client.publish('node:ch', 'hi'), 1);
  assert.strictEqual(await got, 'hi');
  await sub.quit();

  await assert.rejects(client.incr('node:k'), /ERR value is not an integer or out of range/);
  await client.quit();
  console.log('ok');
}

main().catch((e) => { console.error(e); process.exit(1); });
