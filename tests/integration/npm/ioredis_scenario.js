// ioredis against a Redis-compatible server on process.argv[2]: custom
// commands (defineCommand: EVALSHA with EVAL fallback), pipelines and
// MULTI, pub/sub, streams with XREAD BLOCK. Prints one JSON line of results.
const Redis = require('ioredis');

async function main() {
  const port = Number(process.argv[2]);
  const out = {};
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 2 });
  await r.connect();
  await r.flushall();

  r.defineCommand('incrCapped', {
    numberOfKeys: 1,
    lua: "local v = redis.call('incrby', KEYS[1], ARGV[1]) if v > tonumber(ARGV[2]) then redis.call('set', KEYS[1], ARGV[2]) return tonumber(ARGV[2]) end return v",
  });
  out.custom = [await r.incrCapped('cap', 5, 12), await r.incrCapped('cap', 5, 12), await r.incrCapped('cap', 5, 12)];
  r.defineCommand('echoArgs', { lua: 'return {KEYS[1], ARGV[1]}' });
  out.dynamicKeys = await r.echoArgs(1, 'k', 'v');
  await r.script('FLUSH');
  out.afterFlush = await r.incrCapped('cap2', 1, 10);  // NOSCRIPT, then EVAL

  const p = r.pipeline();
  p.set('a', '1').incr('a').hset('h', 'f1', 'v1', 'f2', 'v2').hgetall('h').incrCapped('cap', 1, 100).lrange('nol', 0, -1);
  out.pipeline = (await p.exec()).map(([err, v]) => (err ? String(err) : v));
  out.multi = await r.multi().set('m', 'x').get('m').exec();
  try {
    await r.multi().set('m2', 'x').incr('m2').exec();
  } catch (e) {
    out.multiErr = String(e);
  }
  out.hgetallObject = await r.hgetall('h');

  const sub = new Redis({ port, host: '127.0.0.1' });
  const got = [];
  await new Promise((resolve) => {
    // Three messages, each seen by the channel and the pattern subscription.
    const seen = (entry) => {
      got.push(entry);
      if (got.length === 5) resolve();
    };
    sub.on('message', (ch, msg) => seen([ch, msg]));
    sub.on('pmessage', (pat, ch, msg) => seen(['p:' + pat, ch, msg]));
    sub.subscribe('news', 'sport').then(() => sub.psubscribe('n*')).then(async () => {
      await r.publish('news', 'one');
      await r.publish('sport', 'two');
      await r.publish('news', 'three');
    });
  });
  out.pubsub = got.sort();
  sub.disconnect();

  await r.xadd('s', '1-1', 'a', '1');
  await r.xadd('s', '1-2', 'b', '2');
  out.xrange = await r.xrange('s', '-', '+');
  const reader = new Redis({ port, host: '127.0.0.1' });
  const blocked = reader.xread('BLOCK', 5000, 'STREAMS', 's', '$');
  await new Promise((res) => setTimeout(res, 200));
  await r.xadd('s', '2-1', 'c', '3');
  out.xreadBlock = await blocked;
  out.xreadTimeout = await reader.xread('BLOCK', 50, 'STREAMS', 's', '$');
  await r.xgroup('CREATE', 's', 'g', '0');
  out.xreadgroup = await r.xreadgroup('GROUP', 'g', 'c1', 'COUNT', 2, 'STREAMS', 's', '>');
  out.xack = await r.xack('s', 'g', '1-1');
  out.xpending = await r.xpending('s', 'g');
  reader.disconnect();

  console.log(JSON.stringify(out));
  r.disconnect();
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
