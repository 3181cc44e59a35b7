"""schemathesis (PyPI) against the document Envoi serves at /openapi.json: generated requests —
valid and invalid — to every operation, signed with a registered API key like the SDK's, against a
running `envoi serve`. No 5xx, and no status, content type or body the document does not describe."""
import oci
import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance, status_code_conformance

from test_https_api import api  # noqa: F401  (the fixture: a server, an API key, SDK clients)

# Bounded: 19 paths, ~30 operations, this many examples each (two or three minutes on 2 cores).
EXAMPLES = 12


@schemathesis.serializer("message/rfc822", "message/global")
def raw_message(ctx, value):
    """submitRawEmail's body is a MIME message: generated strings go as they are, anything else as text."""
    if isinstance(value, bytes):
        return value
    return (value if isinstance(value, str) else str(value)).encode("utf-8")


def refused_by_the_http_parser(case, response):
    """NIO's HTTP/1 parser answers a bare `400` (no body) to header values RFC 9110 §5.5 forbids —
    control characters, non-ASCII octets — before any route runs: the request never reached the
    API the document describes."""
    def invalid(value):
        return any(not (0x20 <= octet < 0x7F or octet == 0x09) for octet in str(value).encode("utf-8"))
    return response.status_code == 400 and not response.content and any(invalid(v) for v in (case.headers or {}).values())


class SignedIfSignable(requests.auth.AuthBase):
    """The SDK's request signer; the methods it cannot sign (TRACE, say) go unsigned, to be refused."""

    def __init__(self, api):
        self.signer = oci.signer.Signer(tenancy=api.key.tenancy, user=api.key.user, fingerprint=api.key.fingerprint,
                                        private_key_file_location=str(api.key.key_file))

    def __call__(self, request):
        if request.method.lower() in ("get", "head", "delete", "post", "put", "patch"):
            return self.signer(request)
        return request


def signed_session(api):
    session = requests.Session()
    session.trust_env = False  # REQUESTS_CA_BUNDLE would override verify
    session.auth = SignedIfSignable(api)
    return session


@pytest.fixture
def served_schema(api):  # noqa: F811
    document = requests.get(api.server.https_endpoint + "/openapi.json", verify=api.cafile, timeout=10)
    assert document.status_code == 200
    return schemathesis.openapi.from_dict(document.json())


schema = schemathesis.pytest.from_fixture("served_schema")


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, api):  # noqa: F811
    response = case.call(base_url=api.server.https_endpoint, session=signed_session(api), verify=api.cafile, timeout=10)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
    if refused_by_the_http_parser(case, response):
        return
    case.validate_response(response, checks=[not_a_server_error, status_code_conformance, content_type_conformance,
                                             response_schema_conformance])
