"""Search Codify, then validate the best match for a claim.

    python examples/search.py "heart attack"     (CODIFY_ADDR=host:port, default 127.0.0.1:50051)
"""

import sys

import codify_client
from codify_client.v1 import codify_pb2 as codify


def main() -> None:
    query = sys.argv[1] if len(sys.argv) > 1 else "heart attack"
    with codify_client.insecure_channel() as channel:
        stub = codify_client.CodeServiceStub(channel)
        found = stub.SearchCodes(
            codify.SearchCodesRequest(
                query=query,
                systems=[codify.CODE_SYSTEM_ICD10CM],
                billable_only=True,
                page_size=5,
            ),
            timeout=5.0,
        )
        print(f"{found.total_size} results as of {found.as_of}")
        for result in found.results:
            print(f"  {result.code.code:<8} {result.code.title}")
        if not found.results:
            return

        best = found.results[0].code
        verdict = stub.ValidateCodes(
            codify.ValidateCodesRequest(
                items=[codify.ValidationItem(system=best.system, code=best.code)]
            ),
            timeout=5.0,
        )
        result = verdict.results[0]
        print(f"{best.code}: {codify.ValidityReason.Name(result.reason)} ({result.message})")


if __name__ == "__main__":
    main()
