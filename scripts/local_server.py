#!/usr/bin/env python3
"""A deterministic HTTP server on 127.0.0.1 for flowrun's tests and demo (no network).

Prints its port on the first line of stdout, then serves until killed:
  /status/<code>              that status, a short text body
  /redirect                   302 to /status/200
  /slow?ms=N                  waits N ms, then 200
  /retry-after?key=K&after=S  429 with Retry-After: S the first time for K, then 200
  /large?bytes=N              N bytes of 'x'
  /json                       {"ok": true, "items": [1, 2, 3]} as application/json
  /close                      closes the connection without answering
  /echo                       the request (method, path, query, headers, body) as JSON
  /health                     {"status": "ok"} (the demo's health check)
  POST /v1/chat/completions   an OpenAI-compatible chat endpoint: echoes the last user
                              message; JSON when response_format asks; model "flaky" answers
                              429 (Retry-After: 1) once per prompt, then 200; model "prose"
                              ignores JSON mode; model "partial" returns JSON without "summary"
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

SEEN = set()
LOCK = threading.Lock()


def first_time(key):
    with LOCK:
        if key in SEEN:
            return False
        SEEN.add(key)
        return True


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body, content_type="text/plain", headers=()):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def send_json(self, status, value, headers=()):
        self.send(status, json.dumps(value), "application/json", headers)

    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def handle_any(self):
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        path = url.path
        if path.startswith("/status/"):
            code = int(path.split("/")[2])
            return self.send(code, f"status {code}\n")
        if path == "/redirect":
            return self.send(302, "", headers=[("Location", "/status/200")])
        if path == "/slow":
            time.sleep(int(query.get("ms", "1000")) / 1000)
            return self.send(200, "slow\n")
        if path == "/retry-after":
            if first_time("retry:" + query.get("key", "")):
                return self.send(429, "busy\n", headers=[("Retry-After", query.get("after", "1"))])
            return self.send(200, "done\n")
        if path == "/large":
            return self.send(200, b"x" * int(query.get("bytes", "1000")), "application/octet-stream")
        if path == "/json":
            return self.send_json(200, {"ok": True, "items": [1, 2, 3]})
        if path == "/health":
            return self.send_json(200, {"status": "ok", "checks": {"db": "ok"}})
        if path == "/close":
            self.close_connection = True
            self.connection.shutdown(2)
            return None
        if path == "/echo":
            return self.send_json(200, {"method": self.command, "path": path, "query": query,
                                        "headers": {k.lower(): v for k, v in self.headers.items()},
                                        "body": self.body()})
        if path.endswith("/chat/completions") and self.command == "POST":
            return self.chat()
        return self.send(404, "not found\n")

    def chat(self):
        request = json.loads(self.body() or "{}")
        auth = self.headers.get("Authorization", "")
        if auth == "Bearer wrong-key":
            return self.send_json(401, {"error": {"message": "invalid api key " + auth[7:]}})
        prompt = [m["content"] for m in request.get("messages", []) if m.get("role") == "user"][-1]
        model = request.get("model", "")
        if model == "flaky" and first_time("flaky:" + prompt):
            return self.send_json(429, {"error": {"message": "rate limited"}},
                                  headers=[("Retry-After", "1")])
        wants_json = (request.get("response_format") or {}).get("type") == "json_object"
        if wants_json and model != "prose":
            reply = {"summary": prompt[:40], "words": len(prompt.split()),
                     "urgent": "urgent" in prompt.lower()}
            if model == "partial":
                del reply["summary"]
            content = json.dumps(reply)
        else:
            content = "echo: " + prompt
        self.send_json(200, {
            "id": "chatcmpl-test", "object": "chat.completion", "model": model,
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": len(prompt.split()), "completion_tokens": len(content.split()),
                      "total_tokens": len(prompt.split()) + len(content.split())},
            "request": {"temperature": request.get("temperature"),
                        "max_tokens": request.get("max_tokens"),
                        "messages": request.get("messages"),
                        "authorization": bool(auth)}})

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = handle_any


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # /close drops connections on purpose


def main():
    server = Server(("127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
