// BullMQ against a Redis-compatible server on process.argv[2]: a queue and a
// worker with plain, delayed, prioritized and retried (exponential backoff)
// jobs, a flow (parent waits for its children), a rate-limited queue,
// repeatable jobs (job schedulers) and QueueEvents. Prints one JSON line describing what
// happened, in a form that does not depend on timing.
const { Queue, Worker, QueueEvents, FlowProducer } = require('bullmq');
const IORedis = require('ioredis');

function wait(ms) {
  return new Promise((res) => setTimeout(res, ms));
}

async function until(pred, what, ms = 20000) {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await wait(20);
  }
}

async function main() {
  const port = Number(process.argv[2]);
  const connection = { host: '127.0.0.1', port, maxRetriesPerRequest: null };
  const admin = new IORedis(connection);
  await admin.flushall();
  const out = {};

  // ---- queue, worker, QueueEvents ----
  const queue = new Queue('jobs', { connection });
  const events = new QueueEvents('jobs', { connection });
  await events.waitUntilReady();
  const completedEvents = [];
  events.on('completed', ({ jobId, returnvalue }) => completedEvents.push([jobId, String(returnvalue)]));
  const order = [];
  const attempts = {};
  const worker = new Worker(
    'jobs',
    async (job) => {
      attempts[job.name] = (attempts[job.name] || 0) + 1;
      order.push(job.name);
      if (job.name === 'flaky' && attempts.flaky < 3) throw new Error('flaky failure ' + attempts.flaky);
      if (job.name === 'broken') throw new Error('always broken');
      return job.data.x * 2;
    },
    { connection, concurrency: 1, autorun: false },
  );
  const failed = [];
  worker.on('failed', (job, err) => failed.push([job.name, err.message, job.attemptsMade]));

  // Added before the worker runs: plain jobs first, then by priority.
  await queue.add('low', { x: 1 }, { priority: 10 });
  await queue.add('high', { x: 2 }, { priority: 1 });
  await queue.add('normal', { x: 3 });
  const delayed = await queue.add('delayed', { x: 4 }, { delay: 600 });
  await queue.add('flaky', { x: 5 }, { attempts: 5, backoff: { type: 'exponential', delay: 50 } });
  await queue.add('broken', { x: 6 }, { attempts: 2, backoff: { type: 'fixed', delay: 20 } });
  out.delayedState = await delayed.getState();
  out.counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed');

  const done = queue.add('awaited', { x: 21 }).then((job) => job.waitUntilFinished(events, 20000));
  worker.run();
  out.awaited = await done;
  await until(async () => (await queue.getJobCounts('completed')).completed >= 6, 'completed jobs');
  await until(async () => (await queue.getJobCounts('failed')).failed >= 1, 'failed job');
  out.firstThree = order.slice(0, 3);
  out.attempts = Object.fromEntries(Object.entries(attempts).sort());
  out.failed = failed.sort();
  out.final = await queue.getJobCounts('completed', 'failed', 'waiting', 'delayed', 'active');
  out.delayedResult = (await queue.getJob(delayed.id)).returnvalue;
  await until(async () => completedEvents.length >= 6, 'completed events');
  out.completedEvents = completedEvents.length;

  // ---- flow: the parent runs after its children, and sees their results ----
  const flowWorker = new Worker(
    'flow',
    async (job) => {
      if (job.name === 'parent') {
        const values = await job.getChildrenValues();
        return Object.values(values).sort((a, b) => a - b);
      }
      return job.data.n * 10;
    },
    { connection },
  );
  const flow = new FlowProducer({ connection });
  const tree = await flow.add({
    name: 'parent',
    queueName: 'flow',
    children: [1, 2, 3].map((n) => ({ name: 'child', queueName: 'flow', data: { n } })),
  });
  const flowQueue = new Queue('flow', { connection });
  await until(async () => (await tree.job.getState()) === 'completed', 'flow parent');
  out.flow = (await flowQueue.getJob(tree.job.id)).returnvalue;

  // ---- rate limiter: 2 jobs per 400 ms ----
  const limited = new Queue('limited', { connection });
  const starts = [];
  const limitedWorker = new Worker('limited', async () => starts.push(Date.now()), {
    connection,
    limiter: { max: 2, duration: 400 },
  });
  for (let i = 0; i < 6; i++) await limited.add('l' + i, {});
  await until(async () => starts.length >= 6, 'rate-limited jobs');
  // 6 jobs at 2 per 400 ms take at least two more windows after the first.
  out.rateLimited = starts[5] - starts[0] >= 600;

  // ---- repeatable jobs ----
  const repeat = new Queue('repeat', { connection });
  let repeats = 0;
  const repeatWorker = new Worker('repeat', async () => repeats++, { connection });
  await repeat.upsertJobScheduler('tick', { every: 150, limit: 3 });
  await until(async () => repeats >= 3, 'repeatable job');
  out.schedulers = (await repeat.getJobSchedulers()).map((s) => [s.key, s.every, s.limit]);
  await wait(400);
  out.repeatCount = repeats;

  await Promise.all([worker.close(), flowWorker.close(), limitedWorker.close(), repeatWorker.close()]);
  await Promise.all([queue.close(), events.close(), flow.close(), flowQueue.close(), limited.close(), repeat.close()]);
  admin.disconnect();
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});
