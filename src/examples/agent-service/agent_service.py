#!/usr/bin/env python3
"""An agent service that Switchboard's router can call: the run protocol of src/docs/agents.md.

Standard library only (Python 3.8+). For each run the router POSTs JSON to /runs and reads a
Server-Sent Events stream back: agent_thinking, tool_executing, tool_completed, agent_thinking,
agent_completed. GET /health answers 200 while the service takes runs.

    python3 agent_service.py [--port 9000] [--delay-ms 300] [--fail-every N] [--keep-alive-ms 0]

--delay-ms is the pause before each event; --fail-every N makes every Nth run end with
status "failed"; --keep-alive-ms sends a ':' comment that often while it waits (0: never).
When the router aborts a run (the user stopped it or left) the write fails and the run is
logged as aborted.
"""
import argparse
import itertools
import json
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

RUN_COUNTER = itertools.count(1)


def sse(event_type, data):
    """One SSE event: its type and one JSON object as data."""
    return ("event: %s\ndata: %s\n\n" % (event_type, json.dumps(data))).encode("utf-8")


class AgentHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive between runs
    options = None

    def setup(self):
        super().setup()
        # events are small writes: without this, Nagle's algorithm and a delayed ACK hold each one
        # up to 40 ms
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):
        sys.stderr.write("agent-service: " + (fmt % args) + "\n")

    def do_GET(self):
        if self.path != "/health":
            self.send_error(404)
            return
        body = b'{"status":"ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        if self.path != "/runs":
            self.send_error(404)
            return
        length = int(self.headers.get("Content-Length", "0"))
        try:
            run = json.loads(self.rfile.read(length) or b"{}")
        except ValueError:
            self.send_error(400, "body is not JSON")
            return
        number = next(RUN_COUNTER)
        fails = self.options.fail_every > 0 and number % self.options.fail_every == 0
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Connection", "close")  # the stream ends when the run does
        self.end_headers()
        try:
            self.stream(run, fails)
            self.log_message("run %s for %s: %s", run.get("run_id"), run.get("user_id"),
                             "failed" if fails else "completed")
        except (BrokenPipeError, ConnectionResetError):
            self.log_message("run %s aborted by the router", run.get("run_id"))
        self.close_connection = True

    def wait(self):
        """Pauses before an event, sending keep-alive comments if asked to."""
        delay = self.options.delay_ms / 1000.0
        every = self.options.keep_alive_ms / 1000.0
        deadline = time.monotonic() + delay
        while every > 0 and time.monotonic() + every < deadline:
            time.sleep(every)
            self.wfile.write(b": keep-alive\n\n")
            self.wfile.flush()
        time.sleep(max(0.0, deadline - time.monotonic()))

    def send_event(self, event_type, data, wait=True):
        if wait:
            self.wait()
        self.wfile.write(sse(event_type, data))
        self.wfile.flush()

    def stream(self, run, fails):
        content = str(run.get("content", ""))
        tool = (run.get("tools") or ["web_search"])[0]
        self.send_event("agent_thinking", {"thought": "Reading the request (%d characters)" % len(content)})
        self.send_event("tool_executing", {"tool": tool, "input": {"query": content[:80]}})
        started = time.monotonic()
        self.wait()  # the tool at work
        self.send_event("tool_completed", {"tool": tool, "output": {"summary": tool + " found 3 results"},
                                           "duration_ms": int((time.monotonic() - started) * 1000)}, wait=False)
        self.send_event("agent_thinking", {"thought": "Composing the answer"})
        if fails:
            self.send_event("agent_completed", {"status": "failed", "error": "the example service fails every %d runs"
                                                % self.options.fail_every})
        else:
            self.send_event("agent_completed", {"status": "completed", "result": "Example answer to: " + content[:120]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--delay-ms", type=int, default=300)
    parser.add_argument("--fail-every", type=int, default=0)
    parser.add_argument("--keep-alive-ms", type=int, default=0)
    options = parser.parse_args()
    AgentHandler.options = options
    server = ThreadingHTTPServer((options.host, options.port), AgentHandler)
    server.daemon_threads = True
    sys.stderr.write("agent-service: listening on http://%s:%d (POST /runs, GET /health)\n"
                     % (options.host, options.port))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    threading.current_thread().name = "agent-service"
    main()
