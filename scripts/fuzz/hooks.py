"""Schemathesis hooks for scripts/check_api_fuzz.sh (loaded with SCHEMATHESIS_HOOKS)."""
import itertools

import schemathesis

_requests = itertools.count(1)


@schemathesis.hook
def before_call(context, case, kwargs):
    # Every request its own client address. The per-client API limit (600 a minute) still
    # applies to each, but never to the fuzzer as a whole, which would otherwise test the rate
    # limiter's 429s instead of the endpoints. The server trusts this header only because the
    # script names it in TM_CLIENT_IP_HEADER.
    n = next(_requests)
    if case.headers is None:
        case.headers = {}
    case.headers["x-fuzz-client"] = f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"
