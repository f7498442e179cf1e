// Drives the stream commands with Debian's node-redis (v4) and prints the
// parsed results as JSON, clock readings masked, so the output of a run
// against LumaDB can be compared with one against redis-server.
// Usage: node node_streams.js PORT
const { createClient, commandOptions } = require('redis');

function mask(v) {
  if (Array.isArray(v)) return v.map(mask);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = ['idle', 'millisecondsSinceLastDelivery'].includes(k) ? 'T' : mask(x);
    return out;
  }
  if (typeof v === 'number' && v >= 1e12) return 'T';
  return v;
}

async function main() {
  const client = createClient({ url: `redis://127.0.0.1:${process.argv[2]}` });
  client.on('error', (e) => { throw e; });
  await client.connect();
  await client.flushAll();
  const out = [];
  const rec = async (name, p) => {
    try {
      out.push([name, mask(await p)]);
    } catch (e) {
      out.push([name, 'error: ' + e.message]);
    }
  };
  await rec('xAdd', client.xAdd('s', '1-1', { a: '1', b: 'x' }));
  await rec('xAdd2', client.xAdd('s', '2-0', { a: '2' }));
  await rec('xAdd3', client.xAdd('s', '3-0', { a: '3' }, { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 100 } }));
  await rec('xAdd4', client.xAdd('s', '4-0', { a: '4' }, { NOMKSTREAM: true }));
  await rec('xAddDup', client.xAdd('s', '4-0', { a: '4' }));
  await rec('xLen', client.xLen('s'));
  await rec('xRange', client.xRange('s', '-', '+'));
  await rec('xRangeCount', client.xRange('s', '(1-1', '+', { COUNT: 2 }));
  await rec('xRevRange', client.xRevRange('s', '+', '-', { COUNT: 2 }));
  await rec('xRead', client.xRead([{ key: 's', id: '2-0' }]));
  await rec('xReadNone', client.xRead([{ key: 's', id: '$' }], { BLOCK: 1 }));
  await rec('xGroupCreate', client.xGroupCreate('s', 'g', '0'));
  await rec('xGroupCreateMk', client.xGroupCreate('m', 'g', '$', { MKSTREAM: true }));
  await rec('xGroupCreateBusy', client.xGroupCreate('s', 'g', '0'));
  await rec('xGroupCreateConsumer', client.xGroupCreateConsumer('s', 'g', 'idle'));
  await rec('xReadGroup', client.xReadGroup('g', 'alice', [{ key: 's', id: '>' }], { COUNT: 2 }));
  await rec('xReadGroup2', client.xReadGroup('g', 'bob', [{ key: 's', id: '>' }]));
  await rec('xReadGroupHistory', client.xReadGroup('g', 'alice', [{ key: 's', id: '0' }]));
  await rec('xReadGroupNoGroup', client.xReadGroup('nog', 'c', [{ key: 's', id: '>' }]));
  await rec('xAck', client.xAck('s', 'g', '1-1'));
  await rec('xPending', client.xPending('s', 'g'));
  await rec('xPendingRange', client.xPendingRange('s', 'g', '-', '+', 10));
  await rec('xClaim', client.xClaim('s', 'g', 'carol', 0, ['2-0']));
  await rec('xClaimJustId', client.xClaimJustId('s', 'g', 'carol', 0, ['3-0']));
  await client.xDel('s', '3-0');
  await rec('xAutoClaim', client.xAutoClaim('s', 'g', 'dave', 0, '0-0', { COUNT: 5 }));
  await rec('xAutoClaimJustId', client.xAutoClaimJustId('s', 'g', 'erin', 0, '0-0'));
  await rec('xInfoStream', client.xInfoStream('s'));
  await rec('xInfoStreamEmpty', client.xInfoStream('m'));
  await rec('xInfoGroups', client.xInfoGroups('s'));
  await rec('xInfoConsumers', client.xInfoConsumers('s', 'g'));
  await rec('xGroupSetId', client.xGroupSetId('s', 'g', '$'));
  await rec('xGroupDelConsumer', client.xGroupDelConsumer('s', 'g', 'erin'));
  await rec('xGroupDestroy', client.xGroupDestroy('m', 'g'));
  await rec('xTrim', client.xTrim('s', 'MAXLEN', 1));
  await rec('xDel', client.xDel('s', ['4-0', '9-9']));
  await rec('xRangeEnd', client.xRange('s', '-', '+'));
  await rec('xInfoMissing', client.xInfoStream('nokey'));
  console.log(JSON.stringify(out));
  await client.quit();
}

main().catch((e) => { console.error(e); process.exit(1); });
