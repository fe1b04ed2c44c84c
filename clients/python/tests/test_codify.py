"""Calls a running Codify (CODIFY_ADDR, default 127.0.0.1:50051): search, get, validate,
a BadRequest error decoded, and deadlines."""

from collections.abc import Iterator

import grpc
import pytest

import codify_client
from codify_client.v1 import codify_pb2 as codify

# A date covered by the embedded releases, so answers do not depend on today's date.
DATE_OF_SERVICE = "2025-11-01"
TIMEOUT = 10.0


@pytest.fixture(scope="module")
def stub() -> Iterator[codify_client.CodeServiceStub]:
    with codify_client.insecure_channel() as channel:
        codify_client.wait_until_serving(channel, timeout=30.0)
        yield codify_client.CodeServiceStub(channel)


def test_target_drops_the_http_scheme() -> None:
    assert codify_client.target("http://codify:50051") == "codify:50051"
    assert codify_client.target("127.0.0.1:1") == "127.0.0.1:1"


def test_search_code_shaped_input_finds_the_code_first(stub: codify_client.CodeServiceStub) -> None:
    response = stub.SearchCodes(
        codify.SearchCodesRequest(query="E119", as_of=DATE_OF_SERVICE, page_size=3), timeout=TIMEOUT
    )
    assert response.results, "no results"
    assert response.results[0].code.code == "E11.9"
    assert response.results[0].code.system == codify.CODE_SYSTEM_ICD10CM
    assert response.as_of == DATE_OF_SERVICE


def test_get_the_full_entry(stub: codify_client.CodeServiceStub) -> None:
    response = stub.GetCode(codify.GetCodeRequest(code="E11.9", as_of=DATE_OF_SERVICE), timeout=TIMEOUT)
    assert response.code.summary.title == "Type 2 diabetes mellitus without complications"
    assert response.code.summary.billable


def test_validate_a_header_code_is_not_billable(stub: codify_client.CodeServiceStub) -> None:
    item = codify.ValidationItem(
        system=codify.CODE_SYSTEM_ICD10CM, code="E11", date_of_service=DATE_OF_SERVICE
    )
    response = stub.ValidateCodes(codify.ValidateCodesRequest(items=[item]), timeout=TIMEOUT)
    assert len(response.results) == 1
    assert not response.results[0].valid
    assert response.results[0].reason == codify.VALIDITY_REASON_NOT_BILLABLE
    assert response.valid_count == 0


def test_empty_query_is_invalid_argument_with_bad_request(stub: codify_client.CodeServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as raised:
        stub.SearchCodes(codify.SearchCodesRequest(query=""), timeout=TIMEOUT)
    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = codify_client.bad_request(raised.value)
    assert details is not None, "no google.rpc.BadRequest detail"
    assert [violation.field for violation in details.field_violations] == ["query"]


def test_expired_deadline_is_deadline_exceeded(stub: codify_client.CodeServiceStub) -> None:
    # A deadline already one second in the past: gRPC fails the call locally, every time.
    # (A zero or sub-millisecond timeout races the server instead, which may answer first,
    # or with CANCELLED "Timeout expired", tonic's code for a deadline it saw expire.)
    with pytest.raises(grpc.RpcError) as raised:
        stub.SearchCodes(codify.SearchCodesRequest(query="heart attack"), timeout=-1.0)
    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED


def test_call_within_a_generous_deadline_succeeds(stub: codify_client.CodeServiceStub) -> None:
    response = stub.SearchCodes(
        codify.SearchCodesRequest(query="heart attack", page_size=1), timeout=TIMEOUT
    )
    assert len(response.results) == 1
