"""codify.v1 messages (codify_pb2) and the CodeService stub (codify_pb2_grpc).

Generated from proto/codify/v1/codify.proto by clients/python/generate.sh: do not edit.
"""
