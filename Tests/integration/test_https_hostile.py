"""Hostile HTTPS clients over real sockets: CR/LF in header values, oversized headers, oversized
bodies (signed and unsigned) and a slow-body (Slowloris) client are refused with a clear status,
in bounded time, and the server's resident memory stays bounded (VmRSS from /proc)."""
import json
import socket
import ssl
import sqlite3
import time

import oci
import pytest
from oci._vendor import requests as vendored_requests

from test_https_api import ApiKey

# How much the server's RSS may grow across one hostile case: well under the bytes thrown at it.
RSS_GROWTH_LIMIT = 64 * 1024 * 1024


def rss(server) -> int:
    for line in open(f"/proc/{server.process.pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


class Hostile:
    """A raw TLS connection to the HTTPS listener, for requests no well-behaved client sends."""

    def __init__(self, server, cafile, timeout=15):
        context = ssl.create_default_context(cafile=cafile)
        raw = socket.create_connection(("127.0.0.1", server.https_port), timeout=timeout)
        self.sock = context.wrap_socket(raw, server_hostname="127.0.0.1")
        self.sent = 0

    def send(self, data: bytes) -> bool:
        """False once the server has closed or reset the connection."""
        try:
            self.sock.sendall(data)
            self.sent += len(data)
            return True
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            return False

    def response(self, deadline=15) -> tuple[int, dict, bytes]:
        """Status, headers and whatever body arrived before the server closed or `deadline`."""
        data = b""
        end = time.monotonic() + deadline
        while time.monotonic() < end:
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                break
            except (ConnectionResetError, ssl.SSLError, OSError):
                break
            if not chunk:
                break
            data += chunk
            if b"\r\n\r\n" in data:
                head, body = data.split(b"\r\n\r\n", 1)
                headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
                length = int(headers.get("content-length", headers.get("Content-Length", "0")))
                if len(body) >= length:
                    return int(head.split(b" ")[1]), {k.lower(): v for k, v in headers.items()}, body
        assert data, "no response before the connection ended"
        head = data.split(b"\r\n", 1)[0]
        return int(head.split(b" ")[1]), {}, b""

    def closed(self, deadline=10) -> bool:
        self.sock.settimeout(deadline)
        try:
            while True:
                if not self.sock.recv(65536):
                    return True
        except socket.timeout:
            return False
        except (ConnectionResetError, ssl.SSLError, OSError):
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


@pytest.fixture
def hostile(initialised, server_factory, tmp_path):
    initialised.ok("sender", "create", "--email", "app@example.com")
    server = server_factory("https.body_timeout=3", "delivery.hold=true")
    key = ApiKey(initialised, tmp_path)
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")

    class Setup:
        pass

    setup = Setup()
    setup.server, setup.key, setup.cafile, setup.envoi = server, key, cafile, initialised
    setup.signer = oci.signer.Signer(key.tenancy, key.user, key.fingerprint, str(key.key_file))
    setup.connect = lambda: Hostile(server, cafile)
    data = oci.email_data_plane.EmailDPClient(key.config, service_endpoint=server.https_endpoint,
                                              circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
    data.base_client.session.verify = cafile
    data.base_client.session.trust_env = False
    setup.data = data
    # Warm up (TLS, the key cache, the first allocation of every pool) before measuring memory.
    submit(setup, subject="warm-up")
    setup.rss = rss(server)
    return setup


def submit(setup, **fields):
    models = oci.email_data_plane.models
    details = models.SubmitEmailDetails(
        sender=models.Sender(sender_address=models.EmailAddress(email="app@example.com"), compartment_id=setup.key.tenancy),
        recipients=models.Recipients(to=[models.EmailAddress(email="one@example.org")]), body_text="Hello",
        **{"subject": "Hi", **fields})
    return setup.data.submit_email(details, retry_strategy=oci.retry.NoneRetryStrategy())


def signed_head(setup, path: str, body: bytes) -> bytes:
    """The head of a POST signed by the SDK's own signer, for a body the test sends itself."""
    request = vendored_requests.Request("POST", setup.server.https_endpoint + path, data=body,
                                        headers={"content-type": "application/json"}).prepare()
    setup.signer(request)
    lines = [f"POST {path} HTTP/1.1", f"host: 127.0.0.1:{setup.server.https_port}"]
    lines += [f"{name}: {value}" for name, value in request.headers.items() if name.lower() != "host"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def assert_memory_bounded(setup, case):
    grown = rss(setup.server) - setup.rss
    print(f"{case}: RSS {setup.rss // 1024} KiB before, {rss(setup.server) // 1024} KiB after")
    assert grown < RSS_GROWTH_LIMIT, f"{case}: RSS grew by {grown // 1024} KiB"


def test_cr_or_lf_in_header_values_is_refused(hostile):
    for injected in (b"X-Note: a\rInjected: yes", b"X-Note: a\r\rInjected: yes", b"X-Note: a\x00b"):
        client = hostile.connect()
        client.send(b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n" + injected + b"\r\n\r\n")
        status, _, _ = client.response()
        assert status == 400, injected
        assert client.closed()
        client.close()
    # Through the API: a custom header value with CR/LF is refused; a subject or display name with
    # CR/LF never becomes a header line of its own.
    with pytest.raises(oci.exceptions.ServiceError) as refused:
        submit(hostile, header_fields={"X-Note": "a\r\nBcc: victim@evil.example"})
    assert refused.value.status == 400 and refused.value.code == "InvalidParameter"
    assert "CR or LF" in refused.value.message
    for fields in ({"subject": "Hi\r\nBcc: victim@evil.example"}, {"subject": "Hi\nBcc: victim@evil.example"}):
        try:
            submit(hostile, **fields)
        except oci.exceptions.ServiceError as error:
            assert error.status == 400
    connection = sqlite3.connect(f"file:{hostile.envoi.database}?mode=ro", uri=True)
    try:
        bodies = [row[0] for row in connection.execute("SELECT body FROM message")]
        recipients = {row[0] for row in connection.execute("SELECT recipient FROM queue_entry")}
    finally:
        connection.close()
    assert bodies and recipients == {"one@example.org"}
    for body in bodies:
        header = bytes(body).split(b"\r\n\r\n", 1)[0]
        assert not any(line.lower().startswith(b"bcc:") for line in header.split(b"\r\n")), header
    assert_memory_bounded(hostile, "header injection")


@pytest.mark.parametrize("shape", ["one huge field", "many fields"])
def test_oversized_headers_are_refused(hostile, shape):
    client = hostile.connect()
    started = time.monotonic()
    head = b"GET /health HTTP/1.1\r\nhost: 127.0.0.1\r\n"
    if shape == "one huge field":
        head += b"X-Big: " + b"a" * (1 << 20) + b"\r\n\r\n"
    else:
        head += b"".join(b"X-F%d: %s\r\n" % (i, b"b" * 100) for i in range(20_000)) + b"\r\n"
    client.send(head)
    status, headers, _ = client.response()
    assert status in (400, 431)
    assert client.closed() and time.monotonic() - started < 15
    client.close()
    assert_memory_bounded(hostile, f"oversized headers ({shape})")


def test_an_unsigned_huge_body_is_refused_without_being_read(hostile):
    """The 401 comes at once with Connection: close; the server then hangs up after at most
    NIOSSL's close_notify wait (5 s), instead of draining the declared 100 GiB."""
    client = hostile.connect()
    started = time.monotonic()
    client.send(b"POST /20220926/actions/submitEmail HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n"
                b"content-length: 107374182400\r\n\r\n")
    chunk = b"x" * 65536
    # Bounded: 30 s at most; the loop ends when the server has closed the connection.
    while time.monotonic() - started < 30 and client.send(chunk):
        pass
    hung_up_after = time.monotonic() - started
    status, headers, body = client.response()
    assert status == 401 and json.loads(body)["code"] == "NotAuthenticated"
    assert headers.get("connection") == "close"
    assert client.closed()
    print(f"unsigned 100 GiB body: hung up after {hung_up_after:.1f} s and {client.sent // 1048576} MiB")
    assert hung_up_after < 15
    client.close()
    assert_memory_bounded(hostile, "unsigned 100 GiB body")


def test_a_signed_oversized_body_gets_413(hostile):
    big = {"sender": {"senderAddress": {"email": "app@example.com"}, "compartmentId": hostile.key.tenancy},
           "recipients": {"to": [{"email": "one@example.org"}]}, "subject": "big", "bodyText": "x" * (120 * 1024 * 1024)}
    body = json.dumps(big).encode()
    client = hostile.connect()
    client.send(signed_head(hostile, "/20220926/actions/submitEmail", body))
    chunk, offset, started = 1 << 20, 0, time.monotonic()
    while offset < len(body) and time.monotonic() - started < 30 and client.send(body[offset:offset + chunk]):
        offset += chunk
    status, _, answer = client.response()
    assert status == 413 and json.loads(answer)["code"] == "RequestEntityTooLarge"
    assert json.loads(answer)["message"].startswith("Message exceeds byte limit : limit is ")
    client.close()
    del body, big
    assert_memory_bounded(hostile, "signed 120 MiB body")


def test_a_slow_body_is_cut_off_with_408(hostile):
    body = json.dumps({"sender": {"senderAddress": {"email": "app@example.com"}, "compartmentId": hostile.key.tenancy},
                       "recipients": {"to": [{"email": "one@example.org"}]}, "subject": "slow", "bodyText": "x" * 400}).encode()
    clients = []
    started = time.monotonic()
    for _ in range(20):
        client = hostile.connect()
        assert client.send(signed_head(hostile, "/20220926/actions/submitEmail", body))
        clients.append(client)
    # One byte per client every 0.25 s: each read restarts the idle timer, only the body
    # deadline (https.body_timeout=3) ends it. Bounded: 60 rounds, 20 s.
    answered = {}
    for round_ in range(60):
        for index, client in enumerate(clients):
            if index not in answered and not client.send(body[round_:round_ + 1]):
                answered[index] = time.monotonic() - started
        if len(answered) == len(clients) or time.monotonic() - started > 20:
            break
        time.sleep(0.25)
    for client in clients:
        status, headers, answer = client.response(deadline=10)
        assert status == 408 and json.loads(answer)["code"] == "RequestTimeout"
        assert headers.get("connection") == "close" and client.closed()
        client.close()
    elapsed = time.monotonic() - started
    assert 2.5 < elapsed < 20, elapsed
    # The server is still fine.
    assert submit(hostile, subject="after").data.envelope_id
    assert_memory_bounded(hostile, "20 slow-body clients")
