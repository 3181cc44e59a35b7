"""`delivery.mode = direct` end to end on loopback: a dnslib server on 127.0.0.1 serves MX, A and
AAAA records for test domains whose mail exchangers are aiosmtpd receivers on 127.0.0.x (and ::1)
at one port, which `delivery.direct_port` points Envoi at."""
import socket
import ssl
import threading

import pytest
from aiosmtpd.controller import Controller

from test_delivery import rows, submit, wait_for


class Receiver:
    """An MX host: 550 for bounce*, 250 otherwise; it counts connections (distinct client
    addresses), RSETs and what it received, and whether the session was encrypted."""

    def __init__(self, name):
        self.name = name
        self.lock = threading.Lock()
        self.peers = set()
        self.resets = 0
        self.received = []  # (recipients, content, encrypted)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        with self.lock:
            self.peers.add(session.peer)
        session.host_name = hostname
        return responses

    async def handle_RSET(self, server, session, envelope):
        with self.lock:
            self.resets += 1
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), envelope.content, session.ssl is not None))
        return "250 2.0.0 Message accepted"

    @property
    def connections(self):
        with self.lock:
            return len(self.peers)


class Receivers:
    """Receivers on several loopback addresses, all at the same free port."""

    def __init__(self):
        self.controllers = []
        self.port = None
        self.by_address = {}

    def start(self, addresses, tls_context=None, tls_addresses=()):
        for _ in range(20):
            family = socket.AF_INET6 if ":" in addresses[0] else socket.AF_INET
            with socket.socket(family) as probe:
                probe.bind((addresses[0], 0))
                port = probe.getsockname()[1]
            try:
                for address in addresses:
                    receiver = Receiver(address)
                    context = tls_context if address in tls_addresses else None
                    controller = Controller(receiver, hostname=address, port=port, tls_context=context, require_starttls=False)
                    controller.start()
                    self.controllers.append(controller)
                    self.by_address[address] = receiver
                self.port = port
                return self
            except (OSError, RuntimeError):
                self.stop()
        raise RuntimeError("no port free on every loopback address")

    def __getitem__(self, address):
        return self.by_address[address]

    def total_connections(self):
        return sum(receiver.connections for receiver in self.by_address.values())

    def stop(self):
        for controller in self.controllers:
            controller.stop()
        self.controllers = []
        self.by_address = {}


ZONE = """
example.test.        300 IN MX 10 mx1.example.test.
example.test.        300 IN MX 20 mx2.example.test.
mx1.example.test.    300 IN A 127.0.0.2
mx2.example.test.    300 IN A 127.0.0.3
fallback.test.       300 IN MX 10 down.fallback.test.
fallback.test.       300 IN MX 20 up.fallback.test.
down.fallback.test.  300 IN A 127.0.0.4
up.fallback.test.    300 IN A 127.0.0.5
implicit.test.       300 IN A 127.0.0.6
nullmx.test.         300 IN MX 0 .
nullmx.test.         300 IN A 127.0.0.2
plain.test.          300 IN MX 10 mx.plain.test.
mx.plain.test.       300 IN A 127.0.0.7
secure.test.         300 IN MX 10 mx.secure.test.
mx.secure.test.      300 IN A 127.0.0.8
v6.test.             300 IN MX 10 mx.v6.test.
mx.v6.test.          300 IN AAAA ::1
"""

ADDRESSES = ["127.0.0.2", "127.0.0.3", "127.0.0.5", "127.0.0.6", "127.0.0.7", "127.0.0.8", "::1"]


@pytest.fixture
def receivers(initialised):
    certificate = initialised.data_dir / "tls" / "certificate.pem"
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(certificate), str(initialised.data_dir / "tls" / "key.pem"))
    started = Receivers().start(ADDRESSES, tls_context=context, tls_addresses=("127.0.0.8",))
    yield started
    started.stop()


def direct(server_factory, dns, receivers, *settings):
    dns.set_zone(ZONE)
    return server_factory("delivery.mode=direct", f"delivery.direct_port={receivers.port}", f"dns.resolver={dns.address}",
                          "dns.timeout=1", "delivery.retry_initial=1", "delivery.retry_factor=1", *settings)


def states(envoi):
    return dict(rows(envoi, "SELECT recipient, state FROM queue_entry"))


def settled(envoi, count):
    """Waits until `count` queue entries have left QUEUED; returns recipient → state."""
    wait_for(lambda: rows(envoi, "SELECT COUNT(*) FROM queue_entry WHERE state != 'QUEUED'")[0][0] >= count, timeout=60)
    return states(envoi)


def test_delivery_goes_to_the_lowest_preference_mx_over_one_reused_connection(initialised, tenant, server_factory, dns, receivers):
    server = direct(server_factory, dns, receivers, "delivery.workers=1")
    submit(server, initialised, tenant, ["one@example.test"])
    assert wait_for(lambda: states(initialised) == {"one@example.test": "DELIVERED"}, timeout=60)
    submit(server, initialised, tenant, ["two@example.test", "bounce@example.test"])
    assert settled(initialised, 3) == {"one@example.test": "DELIVERED", "two@example.test": "DELIVERED",
                                       "bounce@example.test": "BOUNCED"}
    mx1, mx2 = receivers["127.0.0.2"], receivers["127.0.0.3"]
    assert [recipients for recipients, _, _ in mx1.received] == [["one@example.test"], ["two@example.test"]]
    assert mx2.received == [] and mx2.connections == 0
    # Both messages travelled over one connection, the second after an RSET.
    assert mx1.connections == 1 and mx1.resets == 1
    # A 5xx from the MX host: bounced, and suppressed with the host as the error source.
    suppression = initialised.json("suppression", "list", "--prefix", "bounce")["items"][0]
    detail = initialised.json("suppression", "get", suppression["id"])
    assert detail["reason"] == "HARDBOUNCE" and detail["errorDetail"] == "550 5.1.1 No such user here"
    assert detail["errorSource"] == f"mx1.example.test[127.0.0.2]:{receivers.port}"


def test_a_refused_connection_falls_back_to_the_next_mx(initialised, tenant, server_factory, dns, receivers):
    server = direct(server_factory, dns, receivers)
    submit(server, initialised, tenant, ["user@fallback.test"])
    assert settled(initialised, 1) == {"user@fallback.test": "DELIVERED"}
    assert [recipients for recipients, _, _ in receivers["127.0.0.5"].received] == [["user@fallback.test"]]
    relayed = initialised.json("events", "list", "--recipient", "user@fallback.test", "--type", "relayed")
    assert relayed[0]["status"] == "250 2.0.0 Message accepted"


def test_a_domain_without_mx_is_its_own_exchanger_and_ipv6_addresses_are_used(initialised, tenant, server_factory, dns, receivers):
    server = direct(server_factory, dns, receivers)
    submit(server, initialised, tenant, ["user@implicit.test", "user@v6.test"])
    assert settled(initialised, 2) == {"user@implicit.test": "DELIVERED", "user@v6.test": "DELIVERED"}
    assert [recipients for recipients, _, _ in receivers["127.0.0.6"].received] == [["user@implicit.test"]]
    assert [recipients for recipients, _, _ in receivers["::1"].received] == [["user@v6.test"]]
    relayed = initialised.json("events", "list", "--recipient", "user@v6.test", "--type", "relayed")
    assert relayed[0]["status"] == "250 2.0.0 Message accepted"


def test_a_null_mx_bounces_without_connecting_and_suppresses(initialised, tenant, server_factory, dns, receivers):
    server = direct(server_factory, dns, receivers)
    submit(server, initialised, tenant, ["user@nullmx.test"])
    assert settled(initialised, 1) == {"user@nullmx.test": "BOUNCED"}
    bounced = initialised.json("events", "list", "--recipient", "user@nullmx.test", "--type", "bounced")
    assert bounced[0]["status"] == "556 5.1.10 Recipient domain nullmx.test has a null MX (RFC 7505)"
    detail = initialised.json("suppression", "get", initialised.json("suppression", "list", "--prefix", "user@nullmx")["items"][0]["id"])
    assert detail["reason"] == "HARDBOUNCE" and detail["errorSource"] == "nullmx.test"
    assert receivers.total_connections() == 0


def test_required_tls_defers_a_plain_receiver_with_the_reason_and_delivers_over_starttls(initialised, tenant, server_factory,
                                                                                           dns, receivers):
    server = direct(server_factory, dns, receivers, "delivery.direct_tls=require", "delivery.retry_initial=300")
    submit(server, initialised, tenant, ["user@plain.test", "user@secure.test"])
    deferred = wait_for(lambda: initialised.json("events", "list", "--recipient", "user@plain.test", "--type", "deferred"), timeout=60)
    port = receivers.port
    assert deferred[0]["status"] == (f"451 4.7.10 No TLS with mx.plain.test[127.0.0.7]:{port}: "
                                     "TLS required but STARTTLS not offered")
    assert settled(initialised, 1) == {"user@plain.test": "QUEUED", "user@secure.test": "DELIVERED"}
    assert receivers["127.0.0.7"].received == []
    assert [(recipients, encrypted) for recipients, _, encrypted in receivers["127.0.0.8"].received] == [(["user@secure.test"], True)]


@pytest.mark.parametrize("mode", ["direct", "relay"])
def test_smtp_and_https_submissions_arrive_signed_and_dkimpy_verifies_them(mode, dkim_envoi, tenant, server_factory, dns,
                                                                           dkimpy_through, receivers, tmp_path):
    """The whole path: submitted over SMTP and over HTTPS (the SDK), signed with the domain's
    ACTIVE key, delivered to the MX the loopback DNS names (direct) or to the smarthost (relay, the
    same receiver), verified there by dkimpy."""
    import dkim
    import oci

    from conftest import PUBLISH_ZONE
    from test_delivery_signing import RESOURCES
    from test_https_api import ApiKey

    envoi = dkim_envoi
    domain = envoi.json("domain", "create", "--name", "example.com")
    key = envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", "s1",
                     "--private-key", str(RESOURCES / "rsa2048-pkcs8.pem"))
    dns.set_zone(envoi.ok("dkim", "zone").stdout
                 + f"$ORIGIN example.com.\n$TTL 300\ns1._domainkey IN CNAME s1.example.com.{PUBLISH_ZONE}.\n"
                 + "$ORIGIN .\n" + ZONE)
    delivery = (("delivery.mode=direct", f"delivery.direct_port={receivers.port}") if mode == "direct" else
                ("delivery.mode=relay", f"delivery.relay_host=127.0.0.2:{receivers.port}", "delivery.relay_tls=none"))
    server = server_factory(*delivery, f"dns.resolver={dns.address}", "dns.timeout=1", "dkim.check_interval=1")
    assert wait_for(lambda: envoi.json("dkim", "get", key["id"])["lifecycleState"] == "ACTIVE", timeout=30)

    submit(server, envoi, tenant, ["smtp@example.test"])
    api_key = ApiKey(envoi, tmp_path)
    client = oci.email_data_plane.EmailDPClient(api_key.config, service_endpoint=server.https_endpoint,
                                                circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
    client.base_client.session.verify = str(envoi.data_dir / "tls" / "certificate.pem")
    client.base_client.session.trust_env = False
    models = oci.email_data_plane.models
    client.submit_email(models.SubmitEmailDetails(
        sender=models.Sender(sender_address=models.EmailAddress(email="app@example.com"), compartment_id=api_key.tenancy),
        recipients=models.Recipients(to=[models.EmailAddress(email="https@example.test")]),
        subject="Signed over HTTPS", body_text="Hello from the SDK"))

    mx1 = receivers["127.0.0.2"]
    assert wait_for(lambda: len(mx1.received) == 2, timeout=60)
    for recipients, content, _ in mx1.received:
        raw = content if isinstance(content, bytes) else content.encode()
        assert raw.startswith(b"DKIM-Signature:") and b"s=s1" in raw, recipients
        assert dkim.verify(raw), f"dkimpy must verify the message delivered to {recipients}"
    assert sorted(r for recipients, _, _ in mx1.received for r in recipients) == ["https@example.test", "smtp@example.test"]
