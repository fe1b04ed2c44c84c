#!/usr/bin/env python3
"""Large unary requests at once, against a running `codify serve` (README, Reliability).

Sends N concurrent ValidateCodes requests of ~4 MB each (5,000 items with 800-character codes)
and samples the server's resident memory every 20 ms; prints the peak against the idle figure
and how the calls ended.

    python3 benches/hostile/large_requests.py --address 127.0.0.1:50051 --pid $(pgrep -f 'codify serve') --calls 250

Needs the Python client's requirements and clients/python/src on PYTHONPATH.
"""
import argparse
import collections
import threading
import time

import grpc

from codify_client.v1 import codify_pb2, codify_pb2_grpc


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--address", default="127.0.0.1:50051")
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--calls", type=int, default=250)
    args = parser.parse_args()

    item = codify_pb2.ValidationItem(system=codify_pb2.CODE_SYSTEM_ICD10CM, code="E" * 800, date_of_service="2025-11-01")
    request = codify_pb2.ValidateCodesRequest(items=[item] * 5000)
    size = request.ByteSize()
    options = [("grpc.max_send_message_length", 8 << 20), ("grpc.max_receive_message_length", 8 << 20)]
    channels = [grpc.insecure_channel(args.address, options=options) for _ in range(8)]
    stubs = [codify_pb2_grpc.CodeServiceStub(channel) for channel in channels]
    idle = rss_mb(args.pid)
    peak = idle
    sampling = True

    def sample():
        nonlocal peak
        while sampling:
            peak = max(peak, rss_mb(args.pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample)
    sampler.start()
    started = time.perf_counter()
    futures = [stubs[n % len(stubs)].ValidateCodes.future(request, timeout=60) for n in range(args.calls)]
    outcomes = collections.Counter()
    for future in futures:
        try:
            future.result()
            outcomes["OK"] += 1
        except grpc.RpcError as error:
            outcomes[error.code().name] += 1
    elapsed = time.perf_counter() - started
    time.sleep(0.5)
    sampling = False
    sampler.join()
    print(f"{args.calls} concurrent ValidateCodes of {size / 1e6:.2f} MB: idle RSS {idle:.0f} MB, "
          f"peak {peak:.0f} MB ({peak / idle:.2f}x), {elapsed:.1f} s; outcomes {dict(outcomes)}")


if __name__ == "__main__":
    main()
