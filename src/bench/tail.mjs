// The tail from outside: an open-loop load written with Node's `ws` (not with anything of this
// project), sent to two servers in alternating rounds (pair 1: A then B, pair 2: B then A, ...).
// Every request is a `ping` frame; a reply is matched by `reply_to` (the router) or `message_id`
// (an echo). Latency runs from each request's scheduled send time, so a stall is charged to every
// request it delayed; a request unanswered 5 s after its round is charged with the time it waited.
//
//   npm install ws@8
//   node src/bench/tail.mjs --a ws://127.0.0.1:PORT_A/ --b ws://127.0.0.1:PORT_B/ws \
//       [--rate 8000] [--connections 32] [--pairs 5] [--round-s 5] [--lead-in-s 1] [--size 256]
//
// Prints one JSON line per round and a summary: each system's median p50/p99/p99.9 and the median
// and range of the pairs' ratios (B / A).
import WebSocket from 'ws';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
    arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs, []));
const rate = Number(args.rate ?? 8000);
const connections = Number(args.connections ?? 32);
const pairs = Number(args.pairs ?? 5);
const roundMs = Number(args['round-s'] ?? 5) * 1000;
const leadInMs = Number(args['lead-in-s'] ?? 1) * 1000;
const size = Number(args.size ?? 256);
const settleMs = 5000;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

async function open(url) {
  const sockets = [];
  for (let i = 0; i < connections; i++) {
    const sep = url.includes('?') ? '&' : '?';
    const ws = new WebSocket(`${url}${sep}user=tail-${i}`, { perMessageDeflate: false });
    await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    ws.pending = new Map();
    ws.on('message', (data) => {
      const text = data.toString();
      const match = /"reply_to":"c\d+-(\d+)"/.exec(text) ?? /"message_id":"c\d+-(\d+)"/.exec(text);
      if (!match) return;
      const entry = ws.pending.get(match[1]);
      if (entry) {
        ws.pending.delete(match[1]);
        entry.done(nowMs());
      }
    });
    sockets.push(ws);
  }
  return sockets;
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p / 100 * sorted.length) - 1)];
}

let seq = 0;
async function round(sockets) {
  const latencies = [];
  const start = nowMs();
  const measureFrom = start + leadInMs;
  const until = measureFrom + roundMs;
  const interval = 1000 / rate;
  let sent = 0;
  let unanswered = 0;
  const pad = 'x'.repeat(Math.max(0, size - 70));
  await new Promise((resolve) => {
    const tick = () => {
      const now = nowMs();
      const due = Math.min(Math.floor((now - start) / interval), Math.floor((until - start) / interval));
      for (; sent < due; sent++) {
        const scheduled = start + sent * interval;
        const ws = sockets[sent % sockets.length];
        const id = String(seq++);
        ws.pending.set(id, { scheduled, done: (at) => { if (scheduled >= measureFrom) latencies.push(at - scheduled); } });
        ws.send(`{"type":"ping","message_id":"c${sent % sockets.length}-${id}","payload":{"pad":"${pad}"}}`);
      }
      if (now >= until) resolve(); else setImmediate(tick);
    };
    tick();
  });
  const settleUntil = nowMs() + settleMs;
  while (sockets.some((ws) => ws.pending.size > 0) && nowMs() < settleUntil) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  const end = nowMs();
  for (const ws of sockets) {
    for (const entry of ws.pending.values()) {
      unanswered++;
      if (entry.scheduled >= measureFrom) latencies.push(end - entry.scheduled);
    }
    ws.pending.clear();
  }
  latencies.sort((x, y) => x - y);
  return { replies: latencies.length - unanswered, unanswered, p50: percentile(latencies, 50),
           p99: percentile(latencies, 99), p999: percentile(latencies, 99.9), max: latencies[latencies.length - 1] };
}

const median = (values) => { const s = [...values].sort((x, y) => x - y); const n = s.length;
  return n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2; };
const fixed = (value) => Math.round(value * 1000) / 1000;

const systems = { a: await open(args.a), b: await open(args.b) };
await round(systems.a);  // warm-up, unmeasured
await round(systems.b);
const results = [];
for (let pair = 0; pair < pairs; pair++) {
  const order = pair % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  const result = { pair: pair + 1, order: order.join(',') };
  for (const name of order) result[name] = await round(systems[name]);
  console.log(JSON.stringify(result));
  results.push(result);
}
const summary = { rate, connections, pairs, round_s: roundMs / 1000 };
for (const field of ['p50', 'p99', 'p999', 'max']) {
  const ratios = results.map((r) => r.b[field] / r.a[field]);
  summary[field] = { a_ms: fixed(median(results.map((r) => r.a[field]))), b_ms: fixed(median(results.map((r) => r.b[field]))),
                     ratio: fixed(median(ratios)), ratio_min: fixed(Math.min(...ratios)), ratio_max: fixed(Math.max(...ratios)) };
}
summary.unanswered = results.reduce((sum, r) => sum + r.a.unanswered + r.b.unanswered, 0);
console.log(JSON.stringify(summary));
for (const ws of [...systems.a, ...systems.b]) ws.terminate();
