"""Hooks for schemathesis in .ci/test: an Idempotency-Key names one complaint, so each
generated request gets a key of its own (the same key with another body is rightly refused)."""
import uuid
import schemathesis


@schemathesis.hook
def map_headers(ctx, headers):
    # A key names one complaint: each generated complaint gets its own.
    if headers is not None and "Idempotency-Key" in headers:
        headers["Idempotency-Key"] = str(uuid.uuid4())
    return headers
