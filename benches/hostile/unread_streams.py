#!/usr/bin/env python3
"""Readers that never read, against a running `codify serve` (README, Reliability).

Opens N ExportCodes streams on ONE connection and never reads them, then measures the
server's resident memory against its idle figure, how many streams were admitted or refused,
and the p50/p99 of GetCode calls on another connection before and while the streams are held.

    python3 benches/hostile/unread_streams.py --address 127.0.0.1:50051 --pid $(pgrep -f 'codify serve') --streams 300

Needs the Python client's requirements (clients/python/requirements.txt) and
clients/python/src on PYTHONPATH.
"""
import argparse
import time

import grpc

from codify_client.v1 import codify_pb2, codify_pb2_grpc


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def getcode_latencies(stub, calls):
    request = codify_pb2.GetCodeRequest(code="E11.9", as_of="2025-11-01")
    latencies = []
    for _ in range(calls):
        started = time.perf_counter()
        stub.GetCode(request)
        latencies.append((time.perf_counter() - started) * 1000)
    latencies.sort()
    return latencies[len(latencies) // 2], latencies[int(len(latencies) * 0.99)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default="127.0.0.1:50051")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--streams", type=int, default=300)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--settle", type=float, default=10, help="seconds to wait before measuring")
    args = parser.parse_args()

    other = codify_pb2_grpc.CodeServiceStub(grpc.insecure_channel(args.address))
    getcode_latencies(other, 200)  # warm-up
    idle = rss_mb(args.pid)
    p50_before, p99_before = getcode_latencies(other, args.calls)

    channel = grpc.insecure_channel(args.address)
    stub = codify_pb2_grpc.CodeServiceStub(channel)
    request = codify_pb2.ExportCodesRequest(system=codify_pb2.CODE_SYSTEM_ICD10CM, version="FY2026")
    held = [stub.ExportCodes(request) for _ in range(args.streams)]
    time.sleep(args.settle)
    p50_during, p99_during = getcode_latencies(other, args.calls)
    held_rss = rss_mb(args.pid)
    refused = sum(1 for call in held if call.done() and call.code() == grpc.StatusCode.RESOURCE_EXHAUSTED)
    open_calls = sum(1 for call in held if not call.done())
    print(f"idle RSS {idle:.0f} MB; with {args.streams} unread streams on one connection {held_rss:.0f} MB "
          f"({held_rss / idle:.2f}x); open {open_calls}, refused RESOURCE_EXHAUSTED {refused}")
    print(f"GetCode on another connection: p50 {p50_before:.2f} -> {p50_during:.2f} ms, "
          f"p99 {p99_before:.2f} -> {p99_during:.2f} ms")
    for call in held:
        call.cancel()
    channel.close()


if __name__ == "__main__":
    main()
