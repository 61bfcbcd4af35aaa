#!/usr/bin/env python3
"""Reads the intake's GET /metrics with an independent parser: the Python
Prometheus client's OpenMetrics parser, as a monitoring system would.

Starts `qingdan serve` on a fresh database, checks GET /healthz, sends
packets it must refuse (bodies that are not JSON, and bodies over its size
limit), then parses GET /metrics and checks that its counters are what was
sent.

Run by `cargo xtask test` in a virtual environment that has
prometheus-client:
    python3 tests/interop/metrics_parse.py target/debug/qingdan
"""
import re
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

from prometheus_client.openmetrics.parser import text_string_to_metric_families

QINGDAN = sys.argv[1]
NOT_JSON = 5
TOO_LARGE = 2


def request(url, body=None):
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=30) as answer:
            return answer.status, answer.headers.get("content-type", ""), answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("content-type", ""), error.read().decode()


def main():
    with tempfile.TemporaryDirectory() as folder:
        database = f"sqlite://{folder}/intake.db"
        server = subprocess.Popen(
            [QINGDAN, "--database", database, "--create", "serve", "--addr", "127.0.0.1:0",
             "--rate-limit", "0", "--max-packet-bytes", "1000"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )
        try:
            line = server.stdout.readline()
            match = re.match(r"qingdan serve: listening on (http://\S+)", line)
            assert match, f"no listening line: {line!r}"
            base = match.group(1).rstrip("/")

            status, _, body = request(f"{base}/healthz")
            assert (status, body) == (200, "ok\n"), (status, body)
            for _ in range(NOT_JSON):
                status, _, _ = request(f"{base}/api/v1/packets", b"{")
                assert status == 400, status
            for _ in range(TOO_LARGE):
                status, _, _ = request(f"{base}/api/v1/packets", b"x" * 2000)
                assert status == 413, status

            status, kind, text = request(f"{base}/metrics")
            assert status == 200 and kind.startswith("application/openmetrics-text"), (status, kind)
            families = {f.name: f for f in text_string_to_metric_families(text)}
            packets = {
                (s.labels["outcome"], s.labels["code"]): s.value
                for s in families["qingdan_packets"].samples
                if s.name == "qingdan_packets_total"
            }
            assert packets == {("refused", "malformed"): NOT_JSON, ("refused", "too-large"): TOO_LARGE}, packets
            timed = next(
                s.value for s in families["qingdan_request_duration_seconds"].samples
                if s.name == "qingdan_request_duration_seconds_count"
            )
            assert timed >= 1 + NOT_JSON + TOO_LARGE, timed
            queue = families["qingdan_writer_queue"].samples[0].value
            assert queue == 0, queue
            print(f"    /metrics parsed: {len(families)} families; packets {packets}; {int(timed)} requests timed")
        finally:
            server.terminate()
            server.wait(timeout=30)


main()
