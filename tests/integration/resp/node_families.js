// Drives scripting, functions, HyperLogLog, geo, SORT, streams, ACL and
// client tracking through Debian's node-redis (v4) typed API and prints one
// JSON document {section: [[step, result], ...]}, so a run against LumaDB can
// be compared with one against redis-server. Errors are recorded as
// "error: <message>". Everything that carries a clock, a client id or an
// order Redis leaves open is masked or sorted here.
// Usage: node node_families.js PORT
const { createClient, defineScript, commandOptions, GeoReplyWith } = require('redis');

const PORT = process.argv[2];
const URL = `redis://127.0.0.1:${PORT}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Turns what node-redis returns into plain JSON: Buffers as hex, Sets as
// sorted arrays, and values that are not JSON (undefined, Infinity) as text.
function plain(v) {
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  if (v instanceof Error) return 'error: ' + v.message;
  if (v instanceof Set) return [...v].map(plain).sort();
  if (Array.isArray(v)) return v.map(plain);
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v && typeof v === 'object') {
    const out = {};
    for (const [k, x] of Object.entries(v)) out[k] = plain(x);
    return out;
  }
  return v;
}

function newClient(options = {}) {
  const c = createClient({ url: URL, ...options });
  c.on('error', (e) => { throw e; }); // a dropped connection ends the run
  return c;
}

// One section's recorder: rec(name, promise[, fn]) stores fn(result) or the
// error's message.
function recorder(out) {
  return async (name, p, fn = (x) => x) => {
    try {
      out.push([name, plain(fn(await p))]);
    } catch (e) {
      out.push([name, 'error: ' + e.message]);
    }
  };
}

// Waits until pred() holds or ms pass; returns whether it held.
async function waitFor(pred, ms = 2000) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (pred()) return true;
    await sleep(5);
  }
  return pred();
}

const sortedReply = (x) => [...x].sort();

// redis-server lists a library's functions in its dict's hash order, which
// changes with every process: sort them by name (typed and raw replies).
const byName = (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sortFunctions = (libs) => libs.map((l) => ({ ...l, functions: [...l.functions].sort(byName) }));
const sortRawFunctions = (libs) => libs.map((l) => l.map((x, i) => (l[i - 1] === 'functions'
  ? [...x].sort((a, b) => byName({ name: a[1] }, { name: b[1] })) : x)));

async function scripting(client, rec) {
  await rec('eval', client.eval("return {KEYS[1], ARGV[1], 7, 3.99, true, false, {ok='fine'}, {err='bad'}}",
    { keys: ['k1'], arguments: ['a1'] }));
  await rec('evalNilTruncates', client.eval('return {1, 2, nil, 4}'));
  await rec('evalCallSet', client.eval("return redis.call('SET', KEYS[1], ARGV[1])", { keys: ['sk'], arguments: ['v'] }));
  await rec('evalStatus', client.eval("return redis.status_reply('DONE')"));
  await rec('evalErrorReply', client.eval("return redis.error_reply('MYERR custom failure')"));
  await rec('evalRuntimeError', client.eval("return redis.call('INCR', KEYS[1])", { keys: ['sk'] }));
  await rec('evalPcall', client.eval("local r = redis.pcall('INCR', KEYS[1]); return r['err']", { keys: ['sk'] }));
  await rec('evalSyntaxError', client.eval('return +'));
  await rec('evalCjson', client.eval("return cjson.encode({a=1})"));
  await rec('evalSha1hex', client.eval("return redis.sha1hex('abc')"));
  const body = "return redis.call('INCRBY', KEYS[1], ARGV[1])";
  await rec('scriptLoad', client.scriptLoad(body));
  const sha = await client.scriptLoad(body);
  await rec('evalSha', client.evalSha(sha, { keys: ['counter'], arguments: ['5'] }));
  await rec('evalShaAgain', client.evalSha(sha, { keys: ['counter'], arguments: ['2'] }));
  await rec('scriptExists', client.scriptExists([sha, 'ffffffffffffffffffffffffffffffffffffffff']));
  await rec('evalShaMissing', client.evalSha('ffffffffffffffffffffffffffffffffffffffff'));
  await rec('evalRo', client.evalRo("return redis.call('GET', KEYS[1])", { keys: ['counter'] }));
  await rec('evalRoWrite', client.evalRo("return redis.call('SET', KEYS[1], 'x')", { keys: ['counter'] }));
  await rec('evalShaRo', client.evalShaRo(sha, { keys: ['counter'], arguments: ['1'] }));
  await rec('evalShebangNoWrites', client.eval("#!lua flags=no-writes\nreturn redis.call('SET', 'a', 'b')"));
  await rec('scriptKillNotBusy', client.scriptKill());
  await rec('functionKillNotBusy', client.functionKill());
  await rec('evalBadNumKeys', client.sendCommand(['EVAL', 'return 1', '3', 'a']));
  await rec('evalShaUpperCase', client.evalSha(sha.toUpperCase(), { keys: ['counter'], arguments: ['1'] }));
  await rec('scriptFlush', client.scriptFlush('SYNC'));
  await rec('scriptExistsAfterFlush', client.scriptExists(sha));

  // defineScript: the first call finds no script (NOSCRIPT) and falls back to
  // EVAL, the second one runs by EVALSHA.
  const addAndGet = "redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2]); return redis.call('HGETALL', KEYS[1])";
  const scripted = newClient({
    scripts: {
      addAndGet: defineScript({
        NUMBER_OF_KEYS: 1,
        SCRIPT: addAndGet,
        transformArguments: (key, field, by) => [key, field, by.toString()],
        transformReply: (reply) => {
          const o = {};
          for (let i = 0; i < reply.length; i += 2) o[reply[i]] = Number(reply[i + 1]);
          return o;
        },
      }),
      keysOf: defineScript({
        NUMBER_OF_KEYS: 2,
        SCRIPT: 'return {KEYS[1], KEYS[2], #ARGV}',
        transformArguments: (a, b, ...rest) => [a, b, ...rest],
      }),
    },
  });
  await scripted.connect();
  await rec('definedFirst', scripted.addAndGet('hs', 'f', 3));
  await rec('definedLoaded', client.scriptExists(defineScript({ SCRIPT: addAndGet }).SHA1));
  await rec('definedSecond', scripted.addAndGet('hs', 'f', 4));
  await rec('definedKeys', scripted.keysOf('x', 'y', 'p', 'q', 'r'));
  await rec('definedInMulti', scripted.multi().addAndGet('hs', 'g', 1).keysOf('m', 'n').exec());
  await scripted.quit();

  const lib = [
    '#!lua name=nodelib',
    "local function bump(keys, args) return redis.call('INCRBY', keys[1], args[1]) end",
    "local function peek(keys, args) return redis.call('GET', keys[1]) end",
    "local function echo(keys, args) return {#keys, args[1]} end",
    "redis.register_function('bump', bump)",
    "redis.register_function{function_name='peek', callback=peek, flags={'no-writes'}, description='reads one key'}",
    "redis.register_function{function_name='echoargs', callback=echo, flags={'allow-stale', 'no-cluster'}}",
  ].join('\n');
  await rec('functionLoad', client.functionLoad(lib));
  await rec('functionLoadBusy', client.functionLoad(lib));
  await rec('functionLoadReplace', client.functionLoad(lib, { REPLACE: true }));
  await rec('functionLoadBadName', client.functionLoad("#!lua name=bad-name\nredis.register_function('x', function() end)"));
  await rec('functionLoadNoFunctions', client.functionLoad('#!lua name=empty\nlocal x = 1'));
  await rec('fCall', client.fCall('bump', { keys: ['fc'], arguments: ['10'] }));
  await rec('fCallRo', client.fCallRo('peek', { keys: ['fc'] }));
  await rec('fCallRoOnWriter', client.fCallRo('bump', { keys: ['fc'], arguments: ['1'] }));
  await rec('fCallMissing', client.fCall('nosuchfn'));
  await rec('functionList', client.functionList(), sortFunctions);
  // node-redis 4.5 sends FUNCTION LIST's pattern without LIBRARYNAME, which
  // both servers refuse; the raw command shows the filter itself.
  await rec('functionListPattern', client.functionList('node*'));
  await rec('functionListLibraryName', client.sendCommand(['FUNCTION', 'LIST', 'LIBRARYNAME', 'node*']), sortRawFunctions);
  await rec('functionListLibraryNameNone', client.sendCommand(['FUNCTION', 'LIST', 'LIBRARYNAME', 'zzz*']));
  await rec('functionListWithCode', client.functionListWithCode(), sortFunctions);
  await rec('functionStats', client.functionStats());

  // createClient({functions}) runs a library's functions as typed methods.
  const withFns = newClient({
    functions: {
      nodelib: {
        bump: {
          NUMBER_OF_KEYS: 1,
          transformArguments: (key, by) => [key, by.toString()],
          transformReply: (r) => ({ now: r }),
        },
        peek: { NUMBER_OF_KEYS: 1, IS_READ_ONLY: true, transformArguments: (key) => [key] },
      },
    },
  });
  await withFns.connect();
  await rec('typedFunction', withFns.nodelib.bump('fc', 5));
  await rec('typedFunctionRo', withFns.nodelib.peek('fc'));
  await withFns.quit();

  await rec('functionDump', client.functionDump(commandOptions({ returnBuffers: true })));
  await rec('functionDelete', client.functionDelete('nodelib'));
  await rec('functionDeleteMissing', client.functionDelete('nodelib'));
  await rec('fCallAfterDelete', client.fCall('bump', { keys: ['fc'], arguments: ['1'] }));
  const dumpBuf = await client.functionDump(commandOptions({ returnBuffers: true }));
  await rec('functionDumpEmpty', Promise.resolve(dumpBuf));
  await client.functionLoad(lib);
  const full = await client.functionDump(commandOptions({ returnBuffers: true }));
  await client.functionDelete('nodelib');
  await rec('functionRestore', client.functionRestore(full));
  await rec('functionRestoreBusy', client.functionRestore(full));
  await rec('functionRestoreReplace', client.functionRestore(full, 'REPLACE'));
  await rec('functionRestoreGarbage', client.functionRestore(Buffer.from('not a payload')));
  await rec('fCallAfterRestore', client.fCall('bump', { keys: ['fc'], arguments: ['1'] }));
  await rec('functionFlush', client.functionFlush('SYNC'));
  await rec('functionListAfterFlush', client.functionList());
}

async function hyperloglog(client, rec) {
  await rec('pfAddNew', client.pfAdd('hll1', ['a', 'b', 'c', 'd']));
  await rec('pfAddSame', client.pfAdd('hll1', ['a', 'b']));
  await rec('pfAddMore', client.pfAdd('hll1', 'e'));
  await rec('pfAddNoElements', client.pfAdd('hll-empty', []));
  await rec('pfCount', client.pfCount('hll1'));
  const many = [];
  for (let i = 0; i < 2000; i++) many.push('m' + i);
  await rec('pfAddMany', client.pfAdd('hll2', many));
  await rec('pfCountMany', client.pfCount('hll2'));
  await rec('pfCountUnion', client.pfCount(['hll1', 'hll2', 'nokey']));
  await rec('pfMerge', client.pfMerge('hll3', ['hll1', 'hll2']));
  await rec('pfCountMerged', client.pfCount('hll3'));
  await rec('pfMergeNoSource', client.pfMerge('hll4', []));
  await rec('pfCountEmpty', client.pfCount('hll4'));
  await rec('hllBytes', client.get(commandOptions({ returnBuffers: true }), 'hll1'));
  await rec('hllDenseBytesLength', client.get(commandOptions({ returnBuffers: true }), 'hll3'), (b) => b.length);
  await client.set('str', 'not an hll');
  await rec('pfAddWrongType', client.pfAdd('str', 'x'));
  await rec('pfCountWrongType', client.pfCount('str'));
  await client.lPush('lst', 'x');
  await rec('pfMergeWrongType', client.pfMerge('hll3', 'lst'));
}

async function geo(client, rec) {
  const places = [
    { longitude: 13.361389, latitude: 38.115556, member: 'Palermo' },
    { longitude: 15.087269, latitude: 37.502669, member: 'Catania' },
    { longitude: 12.758489, latitude: 38.788135, member: 'edge1' },
    { longitude: 17.241510, latitude: 38.788135, member: 'edge2' },
  ];
  await rec('geoAdd', client.geoAdd('Sicily', places));
  await rec('geoAddNX', client.geoAdd('Sicily', [{ longitude: 0, latitude: 0, member: 'Palermo' },
    { longitude: 14.015, latitude: 37.49, member: 'Enna' }], { NX: true }));
  await rec('geoAddXXCH', client.geoAdd('Sicily', [{ longitude: 14.0155, latitude: 37.4901, member: 'Enna' },
    { longitude: 1, latitude: 1, member: 'Nowhere' }], { XX: true, CH: true }));
  await rec('geoAddBadCoords', client.geoAdd('Sicily', { longitude: 200, latitude: 100, member: 'bad' }));
  await rec('geoDist', client.geoDist('Sicily', 'Palermo', 'Catania'));
  await rec('geoDistKm', client.geoDist('Sicily', 'Palermo', 'Catania', 'km'));
  await rec('geoDistMi', client.geoDist('Sicily', 'Palermo', 'Catania', 'mi'));
  await rec('geoDistFt', client.geoDist('Sicily', 'Palermo', 'edge1', 'ft'));
  await rec('geoDistMissing', client.geoDist('Sicily', 'Palermo', 'Atlantis'));
  await rec('geoHash', client.geoHash('Sicily', ['Palermo', 'Catania', 'Atlantis']));
  await rec('geoPos', client.geoPos('Sicily', ['Palermo', 'Enna', 'Atlantis']));
  await rec('geoPosNoKey', client.geoPos('nokey', 'x'));
  const origin = { longitude: 15, latitude: 37 };
  await rec('geoSearchRadius', client.geoSearch('Sicily', origin, { radius: 200, unit: 'km' }, { SORT: 'ASC' }));
  await rec('geoSearchMember', client.geoSearch('Sicily', 'Palermo', { radius: 100, unit: 'km' }, { SORT: 'DESC' }));
  await rec('geoSearchBox', client.geoSearch('Sicily', { longitude: 15, latitude: 38 },
    { width: 400, height: 200, unit: 'km' }, { SORT: 'ASC' }));
  await rec('geoSearchCount', client.geoSearch('Sicily', origin, { radius: 300, unit: 'km' }, { SORT: 'ASC', COUNT: 2 }));
  await rec('geoSearchCountAny', client.geoSearch('Sicily', origin, { radius: 300, unit: 'km' },
    { COUNT: { value: 5, ANY: true } }), sortedReply);
  await rec('geoSearchWith', client.geoSearchWith('Sicily', origin, { radius: 200, unit: 'km' },
    [GeoReplyWith.DISTANCE, GeoReplyWith.COORDINATES, GeoReplyWith.HASH], { SORT: 'ASC' }));
  await rec('geoSearchWithBox', client.geoSearchWith('Sicily', 'Catania', { width: 200, height: 200, unit: 'mi' },
    [GeoReplyWith.DISTANCE], { SORT: 'DESC', COUNT: 3 }));
  await rec('geoSearchMissingMember', client.geoSearch('Sicily', 'Atlantis', { radius: 1, unit: 'km' }));
  await rec('geoSearchStore', client.geoSearchStore('near', 'Sicily', origin, { radius: 200, unit: 'km' }, { SORT: 'ASC' }));
  await rec('geoSearchStoreResult', client.zRangeWithScores('near', 0, -1));
  await rec('geoSearchStoreDist', client.geoSearchStore('neardist', 'Sicily', 'Palermo', { radius: 300, unit: 'km' }, { STOREDIST: true }));
  await rec('geoSearchStoreDistResult', client.zRangeWithScores('neardist', 0, -1));
  await rec('geoRadius', client.geoRadius('Sicily', origin, 200, 'km', { SORT: 'ASC' }));
  await rec('geoRadiusWith', client.geoRadiusWith('Sicily', origin, 200, 'km',
    [GeoReplyWith.COORDINATES, GeoReplyWith.DISTANCE], { SORT: 'DESC' }));
  await rec('geoRadiusRo', client.geoRadiusRo('Sicily', origin, 100, 'km'), sortedReply);
  await rec('geoRadiusByMember', client.geoRadiusByMember('Sicily', 'Palermo', 200, 'km', { SORT: 'ASC', COUNT: 3 }));
  await rec('geoRadiusByMemberWith', client.geoRadiusByMemberWith('Sicily', 'Catania', 150, 'km',
    [GeoReplyWith.HASH, GeoReplyWith.DISTANCE], { SORT: 'ASC' }));
  await rec('geoRadiusByMemberRo', client.geoRadiusByMemberRo('Sicily', 'Catania', 10, 'km'));
  await rec('geoRadiusStore', client.geoRadiusStore('Sicily', origin, 200, 'km', 'rstore', { SORT: 'ASC' }));
  await rec('geoRadiusStoreResult', client.zRange('rstore', 0, -1));
  await rec('geoRadiusByMemberStoreDist', client.geoRadiusByMemberStore('Sicily', 'Palermo', 400, 'km', 'rdist', { STOREDIST: true }));
  await rec('geoRadiusByMemberStoreDistResult', client.zRangeWithScores('rdist', 0, -1));
  await rec('geoScores', client.zRangeWithScores('Sicily', 0, -1));
  await client.set('notgeo', 'x');
  await rec('geoSearchWrongType', client.geoSearch('notgeo', { longitude: 0, latitude: 0 }, { radius: 1, unit: 'km' }));
  await rec('geoRadiusBadUnit', client.geoRadius('Sicily', origin, 200, 'parsec'));
}

async function sort(client, rec) {
  await client.rPush('nums', ['3', '10', '1', '2', '21']);
  await client.rPush('words', ['pear', 'apple', 'Banana', 'cherry', 'apple']);
  await client.sAdd('ids', ['1', '2', '3', '4']);
  await client.mSet({ w_1: '40', w_2: '10', w_3: '30', w_4: '20', o_1: 'one', o_2: 'two', o_3: 'three' });
  for (const [id, rank] of [['1', 4], ['2', 2], ['3', 3], ['4', 1]]) {
    await client.hSet('h_' + id, { rank: String(rank), name: 'user' + id });
  }
  await rec('sort', client.sort('nums'));
  await rec('sortDesc', client.sort('nums', { DIRECTION: 'DESC' }));
  await rec('sortLimit', client.sort('nums', { LIMIT: { offset: 1, count: 3 } }));
  await rec('sortAlpha', client.sort('words', { ALPHA: true }));
  await rec('sortAlphaDescLimit', client.sort('words', { ALPHA: true, DIRECTION: 'DESC', LIMIT: { offset: 0, count: 2 } }));
  await rec('sortNotNumbers', client.sort('words'));
  await rec('sortBy', client.sort('ids', { BY: 'w_*' }));
  await rec('sortByGet', client.sort('ids', { BY: 'w_*', GET: ['#', 'o_*'] }));
  await rec('sortByHashField', client.sort('ids', { BY: 'h_*->rank', GET: ['h_*->name', '#'], DIRECTION: 'DESC' }));
  await rec('sortByNosortGet', client.sort('nums', { BY: 'nosort', GET: 'o_*' }));
  await rec('sortGetMissing', client.sort('ids', { GET: 'o_*' }));
  await rec('sortRo', client.sortRo('nums', { DIRECTION: 'DESC', LIMIT: { offset: 0, count: 2 } }));
  await rec('sortRoByGet', client.sortRo('ids', { BY: 'h_*->rank', GET: 'h_*->name' }));
  await rec('sortStore', client.sortStore('ids', 'sorted', { BY: 'w_*', GET: 'o_*' }));
  await rec('sortStoreResult', client.lRange('sorted', 0, -1));
  await rec('sortStoreAlpha', client.sortStore('words', 'sortedwords', { ALPHA: true, LIMIT: { offset: 1, count: 10 } }));
  await rec('sortStoreAlphaResult', client.lRange('sortedwords', 0, -1));
  await client.zAdd('zs', [{ score: 3, value: 'c' }, { score: 1, value: 'a' }, { score: 2, value: 'b' }]);
  await rec('sortZsetAlpha', client.sort('zs', { ALPHA: true, DIRECTION: 'DESC' }));
  await rec('sortMissingKey', client.sort('nokey'));
  await client.set('plain', 'x');
  await rec('sortWrongType', client.sort('plain'));
  await rec('sortStoreEmptyDeletes', client.sortStore('nokey', 'sorted'));
  await rec('sortStoreEmptyExists', client.exists('sorted'));
}

async function streams(client, rec) {
  await rec('xAddMinId', client.xAdd('ev', '1-0', { k: 'a' }));
  for (const id of ['2-0', '3-0', '4-0', '5-0']) await client.xAdd('ev', id, { k: id });
  await rec('xAddTrimMinId', client.xAdd('ev', '6-0', { k: 'f' }, { TRIM: { strategy: 'MINID', threshold: '3-0' } }));
  await rec('xLen', client.xLen('ev'));
  await rec('xAddTrimMaxlenLimit', client.xAdd('ev', '7-0', { k: 'g' },
    { TRIM: { strategy: 'MAXLEN', strategyModifier: '~', threshold: 2, limit: 10 } }));
  await rec('xAddSmallId', client.xAdd('ev', '1-0', { k: 'z' }));
  await rec('xAddIdZero', client.xAdd('fresh', '0-0', { k: 'z' }));
  await rec('xSetId', client.xSetId('ev', '10-0'));
  await rec('xSetIdSmaller', client.xSetId('ev', '2-0'));
  await rec('xAddAfterSetId', client.xAdd('ev', '9-0', { k: 'late' }));
  await rec('xGroupCreate', client.xGroupCreate('ev', 'workers', '0'));
  await rec('xReadGroupNoAck', client.xReadGroup('workers', 'w1', { key: 'ev', id: '>' }, { COUNT: 1, NOACK: true }));
  await rec('xReadGroupRest', client.xReadGroup('workers', 'w2', { key: 'ev', id: '>' }));
  await rec('xReadGroupNothing', client.xReadGroup('workers', 'w2', { key: 'ev', id: '>' }));
  await rec('xPendingW2', client.xPendingRange('ev', 'workers', '-', '+', 10, { consumer: 'w2' }),
    (r) => r.map((e) => [e.id, e.owner, e.deliveriesCounter]));
  // A consumer blocked on the group is woken by another client's XADD.
  const blocked = client.xReadGroup(commandOptions({ isolated: true }), 'workers', 'w3', { key: 'ev', id: '>' }, { BLOCK: 5000 });
  await sleep(100);
  const other = newClient();
  await other.connect();
  await other.xAdd('ev', '11-0', { k: 'wake' });
  await other.quit();
  await rec('xReadGroupBlocked', blocked);
  await client.xDel('ev', '6-0');
  await rec('xAutoClaimDeleted', client.xAutoClaim('ev', 'workers', 'w4', 0, '0-0', { COUNT: 10 }));
  await rec('xInfoGroups', client.xInfoGroups('ev'));
  await rec('xInfoConsumers', client.xInfoConsumers('ev', 'workers'), (cs) => cs.map((c) => [c.name, c.pending]));
  await rec('xInfoStream', client.xInfoStream('ev'));
  const full = await client.sendCommand(['XINFO', 'STREAM', 'ev', 'FULL']);
  await rec('xInfoStreamFull', Promise.resolve(maskFull(full)));
  await client.set('notstream', 'x');
  await rec('xInfoWrongType', client.xInfoStream('notstream'));
}

// XINFO STREAM FULL carries delivery times and seen-times: keep the rest.
function maskFull(v) {
  if (Array.isArray(v)) {
    const out = v.map(maskFull);
    for (let i = 0; i + 1 < out.length; i++) {
      if (['seen-time', 'active-time'].includes(out[i])) out[i + 1] = 'T';
    }
    // A PEL entry is [id, (consumer,) delivery time ms, count].
    return out.map((x) => (typeof x === 'number' && x > 1e12 ? 'T' : x));
  }
  return v;
}

// redis-server emits the single-command rules that follow the categories
// (`-keys -sort_ro +set`) in its command table's hash order, which changes
// with every process: sort each run of them.
function sortCommandRules(rules) {
  const tokens = rules.replace(/\(/g, '( ').replace(/\)/g, ' )').split(' ');
  const out = [];
  let run = [];
  const flush = () => { out.push(...run.sort()); run = []; };
  for (const t of tokens) {
    if (/^[+-][^@]/.test(t)) run.push(t);
    else { flush(); out.push(t); }
  }
  flush();
  return out.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')');
}

async function acl(client, rec) {
  await rec('aclWhoAmI', client.aclWhoAmI());
  await rec('aclSetUser', client.aclSetUser('alice',
    ['on', '>alicepw', '~app:*', '&news', '+@read', '+@transaction', '+set', '+publish', '-@dangerous']));
  await rec('aclSetUserSelector', client.aclSetUser('bob', ['on', 'nopass', 'resetkeys', '%R~ro:*', '+@string', '(~sel:* +get)']));
  await rec('aclSetUserBadRule', client.aclSetUser('carol', ['on', 'bogus']));
  await rec('aclSetUserBadCommand', client.aclSetUser('carol', '+nosuchcommand'));
  await rec('aclGetUser', client.aclGetUser('alice'), (u) => ({ ...u, commands: sortCommandRules(u.commands) }));
  await rec('aclGetUserSelectors', client.aclGetUser('bob'), (u) => ({
    ...u,
    commands: sortCommandRules(u.commands),
    selectors: u.selectors.map((sel) => sel.map((x, i) => (sel[i - 1] === 'commands' ? sortCommandRules(x) : x))),
  }));
  await rec('aclGetUserMissing', client.sendCommand(['ACL', 'GETUSER', 'nobody']));
  await rec('aclList', client.aclList(), (lines) => lines.map(sortCommandRules));
  await rec('aclUsers', client.aclUsers());
  await rec('aclCat', client.aclCat(), sortedReply);
  await rec('aclCatHyperloglog', client.aclCat('hyperloglog'), sortedReply);
  await rec('aclCatGeo', client.aclCat('geo'), sortedReply);
  await rec('aclCatMissing', client.aclCat('nosuchcat'));
  await rec('aclDryRunAllowed', client.aclDryRun('alice', ['GET', 'app:1']));
  await rec('aclDryRunKey', client.aclDryRun('alice', ['GET', 'other']));
  await rec('aclDryRunCommand', client.aclDryRun('alice', ['FLUSHALL']));
  await rec('aclGenPassLength', client.aclGenPass(128), (p) => p.length);
  await client.aclLogReset();

  // alice logs in through the client's own AUTH on connect.
  const alice = newClient({ username: 'alice', password: 'alicepw' });
  await alice.connect();
  await rec('aliceWhoAmI', alice.aclWhoAmI());
  await rec('aliceSet', alice.set('app:1', 'v'));
  await rec('aliceGet', alice.get('app:1'));
  await rec('aliceKeyDenied', alice.get('secret'));
  await rec('aliceCommandDenied', alice.hSet('app:h', 'f', 'v'));
  await rec('aliceDangerous', alice.flushAll());
  await rec('alicePublishDenied', alice.publish('other', 'x'));
  await rec('aliceInMulti', alice.multi().get('app:1').get('secret').exec());
  await rec('aliceScriptDenied', alice.eval("return redis.call('GET', 'secret')"));
  await alice.quit();

  const bob = newClient({ username: 'bob' });
  await bob.connect();
  await rec('bobReadPattern', bob.get('ro:1'));
  await rec('bobWriteReadOnlyPattern', bob.set('ro:1', 'x'));
  await rec('bobSelector', bob.get('sel:1'));
  await rec('bobSelectorDenied', bob.set('sel:1', 'x'));
  await bob.quit();

  const anon = newClient();
  await anon.connect();
  await rec('authWrongPass', anon.auth({ username: 'alice', password: 'wrong' }));
  await rec('authUnknownUser', anon.auth({ username: 'nobody', password: 'x' }));
  await rec('authAlice', anon.auth({ username: 'alice', password: 'alicepw' }));
  await rec('anonNowAlice', anon.aclWhoAmI());
  await rec('aliceAclDenied', anon.aclList());
  await anon.quit();

  // Ages, times, entry ids and client details change from run to run.
  await rec('aclDryRunChannel', client.aclDryRun('alice', ['PUBLISH', 'other', 'x']));
  await rec('aclLog', client.aclLog(), (log) => log.map((e) => ({
    count: e.count, reason: e.reason, context: e.context, object: e.object, username: e.username,
    hasClientInfo: typeof e.clientInfo === 'string' && e.clientInfo.includes('id='),
  })));
  await rec('aclLogCount', client.aclLog(2), (log) => log.map((e) => e.object));
  await rec('aclLogReset', client.aclLogReset());
  await rec('aclLogEmpty', client.aclLog());
  await rec('aclDelUser', client.aclDelUser(['alice', 'bob', 'nobody']));
  await rec('aclDelDefault', client.aclDelUser('default'));
  await rec('aclUsersAfter', client.aclUsers());
}

// RESP2 client-side caching: invalidations go to a subscriber of
// __redis__:invalidate that the tracking connection redirects to. Returns
// the three connections and helpers: mark() notes how many invalidation
// messages have come, next(from) waits for those that come after.
async function trackingSetup() {
  const sub = newClient();
  await sub.connect();
  const subId = await sub.clientId();
  const messages = [];
  await sub.subscribe('__redis__:invalidate', (keys) => messages.push(keys === null ? null : [...keys].sort()));
  const tracker = newClient();
  await tracker.connect();
  const writer = newClient();
  await writer.connect();
  return {
    sub, subId, messages, tracker, writer,
    mark: () => messages.length,
    next: async (from) => {
      await waitFor(() => messages.length > from, 2000);
      await sleep(30); // anything more that the same write sends
      return messages.slice(from);
    },
    close: async () => {
      await tracker.quit();
      await writer.quit();
      await sub.quit();
    },
  };
}

async function tracking(client, rec) {
  const t = await trackingSetup();
  const { subId, messages, tracker, writer, mark, next } = t;
  await rec('trackingOn', tracker.clientTracking(true, { REDIRECT: subId }));
  await rec('trackingInfo', tracker.clientTrackingInfo(), (i) => ({ ...i, redirect: i.redirect === subId }));
  await rec('getRedir', tracker.clientGetRedir(), (r) => r === subId);
  await client.mSet({ 'tk:1': 'a', 'tk:2': 'b', 'other': 'c' });
  await rec('trackedReads', tracker.mGet(['tk:1', 'tk:2']));
  let from = mark();
  await writer.set('tk:1', 'changed');
  await rec('invalidateOne', next(from));
  from = mark();
  await writer.set('tk:1', 'again');
  await sleep(100);
  await rec('noSecondInvalidation', Promise.resolve(messages.slice(from)));
  from = mark();
  await writer.del(['tk:2', 'other']);
  await rec('invalidateDel', next(from));
  await tracker.get('tk:1');
  from = mark();
  await tracker.set('tk:1', 'self');
  await rec('invalidateOwnWrite', next(from));
  await writer.hSet('th', { a: '1' });
  await tracker.hGetAll('th');
  from = mark();
  await writer.hIncrBy('th', 'a', 2);
  await rec('invalidateHash', next(from));
  await tracker.get('tk:s');
  from = mark();
  await writer.eval("return redis.call('SET', KEYS[1], 'v')", { keys: ['tk:s'] });
  await rec('invalidateScriptWrite', next(from));
  await tracker.multi().get('tk:m1').sMembers('tk:m2').exec();
  from = mark();
  await writer.multi().set('tk:m1', 'x').sAdd('tk:m2', 'y').exec();
  await rec('invalidateMulti', next(from));
  await writer.rPush('tk:src', ['3', '1', '2']);
  await tracker.lRange('tk:dst', 0, -1);
  from = mark();
  await writer.sortStore('tk:src', 'tk:dst');
  await rec('invalidateSortStore', next(from));
  await writer.set('tk:exp', 'v', { PX: 30 });
  await tracker.get('tk:exp');
  from = mark();
  await rec('invalidateExpired', next(from));
  await rec('trackingOff', tracker.clientTracking(false));
  await rec('trackingInfoOff', tracker.clientTrackingInfo());

  await rec('trackingBcast', tracker.clientTracking(true, { REDIRECT: subId, BCAST: true, PREFIX: ['bc:', 'cast:'] }));
  await rec('trackingInfoBcast', tracker.clientTrackingInfo(),
    (i) => ({ ...i, redirect: i.redirect === subId, prefixes: [...i.prefixes].sort() }));
  from = mark();
  await writer.set('bc:1', 'x');
  await rec('bcastPrefix', next(from));
  from = mark();
  await writer.set('elsewhere', 'x');
  await writer.set('cast:9', 'y');
  await rec('bcastOtherPrefix', next(from));
  await rec('trackingBcastOverlap', tracker.clientTracking(true, { REDIRECT: subId, BCAST: true, PREFIX: 'bc:x' }));
  await tracker.clientTracking(false);

  await rec('trackingOptIn', tracker.clientTracking(true, { REDIRECT: subId, OPTIN: true }));
  await tracker.get('tk:1');
  await rec('caching', tracker.clientCaching(true));
  await tracker.get('tk:3');
  from = mark();
  await writer.mSet({ 'tk:1': 'n1', 'tk:3': 'n3' });
  await rec('optInOnlyCached', next(from));
  await rec('cachingWithoutMode', writer.clientCaching(true));
  await tracker.clientTracking(false);

  await rec('trackingOptOut', tracker.clientTracking(true, { REDIRECT: subId, OPTOUT: true }));
  await rec('trackingInfoOptOut', tracker.clientTrackingInfo(), (i) => ({ ...i, redirect: i.redirect === subId }));
  await rec('cachingNo', tracker.clientCaching(false));
  await tracker.get('tk:5');
  await tracker.get('tk:6');
  from = mark();
  await writer.mSet({ 'tk:5': 'n5', 'tk:6': 'n6' });
  await rec('optOutSkipsUncached', next(from));
  await rec('cachingYesInOptOut', tracker.clientCaching(true));
  await tracker.clientTracking(false);

  await rec('trackingNoLoop', tracker.clientTracking(true, { REDIRECT: subId, NOLOOP: true }));
  await tracker.get('tk:4');
  from = mark();
  await tracker.set('tk:4', 'mine');
  await sleep(100);
  await rec('noLoopSkipsOwn', Promise.resolve(messages.slice(from)));
  await tracker.get('tk:4');
  from = mark();
  await writer.set('tk:4', 'theirs');
  await rec('noLoopOthers', next(from));
  await tracker.get('tk:4');
  from = mark();
  await writer.flushAll();
  await rec('flushAllNull', next(from));
  await tracker.clientTracking(false);

  await rec('trackingBadRedirect', tracker.clientTracking(true, { REDIRECT: 987654321 }));
  await rec('trackingBadMix', tracker.sendCommand(['CLIENT', 'TRACKING', 'ON', 'OPTIN', 'OPTOUT']));
  await rec('trackingPrefixNoBcast', tracker.sendCommand(['CLIENT', 'TRACKING', 'ON', 'PREFIX', 'x']));
  await t.close();
}

// Keys that scripts and functions read for a tracking client are tracked for
// that client, as any other read.
async function trackingScripts(client, rec) {
  const { subId, tracker, writer, mark, next, close } = await trackingSetup();
  await client.functionLoad("#!lua name=tracklib\nredis.register_function{function_name='tget', " +
    "callback=function(keys) return redis.call('GET', keys[1]) end, flags={'no-writes'}}", { REPLACE: true });
  await tracker.clientTracking(true, { REDIRECT: subId });
  await client.mSet({ 'ts:1': 'a', 'ts:2': 'b', 'ts:3': 'c' });
  await rec('evalRead', tracker.evalRo("return redis.call('GET', KEYS[1])", { keys: ['ts:1'] }));
  let from = mark();
  await writer.set('ts:1', 'x');
  await rec('invalidateEvalRoRead', next(from));
  await tracker.eval("return redis.call('GET', KEYS[1])", { keys: ['ts:2'] });
  from = mark();
  await writer.set('ts:2', 'x');
  await rec('invalidateEvalRead', next(from));
  await rec('fCallRoRead', tracker.fCallRo('tget', { keys: ['ts:3'] }));
  from = mark();
  await writer.set('ts:3', 'x');
  await rec('invalidateFCallRoRead', next(from));
  await tracker.clientTracking(false);
  await client.functionDelete('tracklib');
  await close();
}

const SECTIONS = { scripting, hyperloglog, geo, sort, streams, acl, tracking, trackingScripts };

async function main() {
  const client = newClient();
  await client.connect();
  const doc = {};
  for (const [name, fn] of Object.entries(SECTIONS)) {
    await client.flushAll();
    doc[name] = [];
    await fn(client, recorder(doc[name]));
  }
  await client.quit();
  console.log(JSON.stringify(doc));
}

main().catch((e) => { console.error(e); process.exit(1); });
