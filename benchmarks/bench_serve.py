"""Serving throughput of ``/api/search``: requests per second and latency at 1, 8 and 32 clients.

    python benchmarks/bench_serve.py --index-dir /tmp/seam-seed [--clients 1 8 32] [--seconds 15] [--slow-llm]

Starts ``dafu serve`` on that index in a subprocess (this interpreter, this environment), warms it up, then
runs N client threads that each send one query after another (urllib, a fixed list of real questions) for
``--seconds``. ``--slow-llm`` also points ``DAFU_LLM_URL`` at a local endpoint that answers after 10 s and keeps
two clients on ``/api/ask`` the whole time: searches must not wait for it.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

QUERIES = ["医疗护理员培训补助标准是多少", "养老机构扶持资金拨付给了几家机构", "老年人居家医疗服务怎么开展",
           "泉州养老服务热线的呼入量", "社区助老员培训了多少人", "湖里区有多少家养老机构", "家庭病床",
           "医养结合机构", "智慧健康养老服务平台", "农村幸福院建设补助"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SlowLLM(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(10)
        body = json.dumps({"choices": [{"message": {"content": "无可靠答案 [1]"}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def run(base: str, clients: int, seconds: float, path: str = "/api/search") -> dict:
    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()

    def client(n: int):
        i = n
        while time.perf_counter() < stop:
            q = QUERIES[i % len(QUERIES)]
            i += 1
            t0 = time.perf_counter()
            try:
                with urllib.request.urlopen(f"{base}{path}?q={urllib.parse.quote(q)}&k=10", timeout=60) as r:
                    r.read()
                    ok = r.status == 200
            except Exception:  # noqa: BLE001
                ok = False
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors[0] += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    took = time.perf_counter() - t0
    latencies.sort()
    return {"clients": clients, "requests": len(latencies), "errors": errors[0],
            "req_per_s": round(len(latencies) / took, 1),
            "p50_ms": round(1000 * statistics.median(latencies), 1) if latencies else None,
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1) if latencies else None}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--index-dir", required=True)
    p.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--slow-llm", action="store_true")
    args = p.parse_args()
    env = dict(os.environ)
    if args.slow_llm:
        llm = ThreadingHTTPServer(("127.0.0.1", 0), SlowLLM)
        threading.Thread(target=llm.serve_forever, daemon=True).start()
        env.update(DAFU_LLM_URL=f"http://127.0.0.1:{llm.server_address[1]}/v1", DAFU_LLM_TIMEOUT="30")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "dafu", "serve", "--index-dir", args.index_dir,
                               "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(base + "/api/health", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
        run(base, 2, 3)  # warm-up
        askers = []
        if args.slow_llm:
            stop_ask = time.perf_counter() + args.seconds * len(args.clients) + 5
            def ask():
                while time.perf_counter() < stop_ask:
                    try:
                        urllib.request.urlopen(f"{base}/api/ask?q={urllib.parse.quote(QUERIES[0])}",
                                               timeout=60).read()
                    except Exception:  # noqa: BLE001
                        pass
            askers = [threading.Thread(target=ask, daemon=True) for _ in range(2)]
            for t in askers:
                t.start()
            time.sleep(1)
        for n in args.clients:
            print(json.dumps(run(base, n, args.seconds)), flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
