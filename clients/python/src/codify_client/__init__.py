"""Codify client for Python.

The generated API lives in ``codify_client.v1`` (``codify_pb2`` messages and enums,
``codify_pb2_grpc.CodeServiceStub``), generated from ``proto/`` by ``generate.sh``. This
module adds what every caller needs around it: a channel to the address in CODIFY_ADDR,
the ``google.rpc.BadRequest`` detail of an INVALID_ARGUMENT error, and a wait for the
service's health to be SERVING.
"""

from __future__ import annotations

import os
import time

import grpc
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from codify_client.v1 import codify_pb2, codify_pb2_grpc
from codify_client.v1.codify_pb2_grpc import CodeServiceStub

__all__ = [
    "DEFAULT_ADDR",
    "CodeServiceStub",
    "bad_request",
    "codify_pb2",
    "codify_pb2_grpc",
    "insecure_channel",
    "target",
    "wait_until_serving",
]

#: Where Codify listens when neither an address nor CODIFY_ADDR is given.
DEFAULT_ADDR = "127.0.0.1:50051"

#: The service name Codify reports in grpc.health.v1.
HEALTH_SERVICE = "codify.v1.CodeService"


def target(addr: str | None = None) -> str:
    """The gRPC target ``host:port``: ``addr``, else CODIFY_ADDR, else 127.0.0.1:50051.

    An ``http://`` prefix (as the ``codify`` command line takes) is dropped.
    """
    chosen = addr or os.environ.get("CODIFY_ADDR") or DEFAULT_ADDR
    return chosen.removeprefix("http://")


def insecure_channel(addr: str | None = None) -> grpc.Channel:
    """A plaintext channel to Codify (see :func:`target`); close it when done."""
    return grpc.insecure_channel(target(addr))


def bad_request(error: grpc.RpcError) -> error_details_pb2.BadRequest | None:
    """The ``google.rpc.BadRequest`` detail of a failed call, naming each offending field.

    ``None`` when the error carries no such detail.
    """
    status = rpc_status.from_call(error)
    if status is None:
        return None
    for detail in status.details:
        if detail.Is(error_details_pb2.BadRequest.DESCRIPTOR):
            violations = error_details_pb2.BadRequest()
            detail.Unpack(violations)
            return violations
    return None


def wait_until_serving(
    channel: grpc.Channel, timeout: float = 60.0, service: str = HEALTH_SERVICE
) -> None:
    """Polls grpc.health.v1.Health/Check until ``service`` is SERVING.

    Raises TimeoutError after ``timeout`` seconds, with the last answer seen.
    """
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    health = health_pb2_grpc.HealthStub(channel)
    give_up_at = time.monotonic() + timeout
    last_answer = "no answer"
    while True:
        try:
            response = health.Check(health_pb2.HealthCheckRequest(service=service), timeout=2.0)
            if response.status == health_pb2.HealthCheckResponse.SERVING:
                return
            last_answer = health_pb2.HealthCheckResponse.ServingStatus.Name(response.status)
        except grpc.RpcError as error:
            last_answer = f"{error.code().name}: {error.details()}"
        if time.monotonic() >= give_up_at:
            raise TimeoutError(f"{service} not SERVING after {timeout:g}s (last: {last_answer})")
        time.sleep(0.2)
