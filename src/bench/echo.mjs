// A bare echo server written with Node's `ws`: every text frame goes back as it came.
//   node src/bench/echo.mjs [PORT]   (127.0.0.1, default 19003)
import { WebSocketServer } from 'ws';

const port = Number(process.argv[2] ?? 19003);
const server = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate: false });
server.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
server.on('listening', () => console.log(`echo listening on 127.0.0.1:${port}`));
