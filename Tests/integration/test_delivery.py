"""The delivery pipeline end to end: capture mailbox, relay to a real SMTP sink (aiosmtpd),
retries of 4xx, bounces and suppressions for 5xx."""
import sqlite3
import threading
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from smtp_client import RawSMTP, message


def wait_for(predicate, timeout=30, interval=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return predicate()


def rows(envoi, sql, *args):
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


def submit(server, envoi, tenant, recipients, body="Hello"):
    client = RawSMTP(server.port, str(envoi.data_dir / "tls" / "certificate.pem")).ready(tenant.username, tenant.password)
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    for recipient in recipients:
        assert client.command(f"RCPT TO:<{recipient}>") == "250 2.1.5 Ok"
    client.command("DATA")
    client.send(message(to=", ".join(recipients), body=body) + b".\r\n")
    reply = client.reply()
    assert reply.startswith("250 2.0.0 Ok: queued as "), reply
    client.command("QUIT")
    return reply.rsplit(" ", 1)[1]


class Sink:
    """An SMTP server that answers each recipient as scripted: 550 for bounce*, 451 once for
    slow*, 250 otherwise; it keeps what it received."""

    def __init__(self):
        self.received = []
        self.deferred_once = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope: Envelope, address, rcpt_options):
        local = address.split("@")[0]
        if local.startswith("bounce"):
            return "550 5.1.1 No such user here"
        if local.startswith("slow"):
            with self.lock:
                if address not in self.deferred_once:
                    self.deferred_once.add(address)
                    return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope: Envelope):
        with self.lock:
            self.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Message accepted"


@pytest.fixture
def sink():
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def test_capture_mode_keeps_the_message_and_drops_the_body_from_the_queue(initialised, tenant, server_factory):
    server = server_factory()
    queue_id = submit(server, initialised, tenant, ["one@example.org", "two@example.org"])
    kept = wait_for(lambda: initialised.json("mail", "list"))
    assert len(kept) == 1 and kept[0]["queueId"] == queue_id and sorted(kept[0]["recipients"]) == ["one@example.org", "two@example.org"]
    raw = initialised.ok("mail", "raw", str(kept[0]["id"])).stdout
    assert "Subject: Hello" in raw and "DKIM-Signature" not in raw
    assert wait_for(lambda: rows(initialised, "SELECT COUNT(*) FROM message WHERE body IS NULL")[0][0] == 1)
    assert rows(initialised, "SELECT DISTINCT state FROM queue_entry") == [("DELIVERED",)]
    events = initialised.json("events", "list", "--message-id", queue_id, "--type", "relayed")
    assert len(events) == 2 and all(e["errorType"] == "Unsigned: no ACTIVE DKIM key" for e in events)
    shown = initialised.ok("mail", "show", str(kept[0]["id"])).stdout
    assert "Subject: Hello" in shown and "unsigned" in shown


def test_relay_mode_delivers_bounces_and_retries(initialised, tenant, server_factory, sink):
    server = server_factory("delivery.mode=relay", f"delivery.relay_host=127.0.0.1:{sink.port}", "delivery.relay_tls=none",
                            "delivery.retry_initial=1", "delivery.retry_factor=1")
    queue_id = submit(server, initialised, tenant, ["ok@example.org", "bounce@example.org", "slow@example.org"])
    assert wait_for(lambda: rows(initialised, "SELECT COUNT(*) FROM queue_entry WHERE state = 'QUEUED'")[0][0] == 0, timeout=60)
    states = dict(rows(initialised, "SELECT recipient, state FROM queue_entry"))
    assert states == {"ok@example.org": "DELIVERED", "bounce@example.org": "BOUNCED", "slow@example.org": "DELIVERED"}
    delivered = [r for _, recipients, _ in sink.received for r in recipients]
    assert sorted(delivered) == ["ok@example.org", "slow@example.org"]
    # 5xx → HARDBOUNCE suppression naming the remote reply and host.
    suppression = initialised.json("suppression", "list", "--prefix", "bounce")["items"][0]
    detail = initialised.json("suppression", "get", suppression["id"])
    assert detail["reason"] == "HARDBOUNCE" and detail["errorDetail"] == "550 5.1.1 No such user here"
    assert detail["errorSource"] == f"127.0.0.1:{sink.port}" and detail["messageId"]
    # 451 then 250 → deferred then relayed.
    slow = [e["type"] for e in reversed(initialised.json("events", "list", "--recipient", "slow@example.org"))]
    assert slow == ["accepted", "deferred", "relayed"]
    bounce = initialised.json("events", "list", "--recipient", "bounce@example.org", "--type", "bounced")
    assert bounce[0]["status"] == "550 5.1.1 No such user here" and bounce[0]["errorType"] == "Invalid Recipient"
    assert wait_for(lambda: rows(initialised, "SELECT body IS NULL FROM message WHERE id = ?", queue_id) == [(1,)])


def test_a_recipient_suppressed_after_acceptance_is_not_delivered(initialised, tenant, server_factory, sink):
    server = server_factory("delivery.mode=relay", "delivery.relay_host=127.0.0.1:1", "delivery.relay_tls=none",
                            "delivery.retry_initial=1", "delivery.retry_factor=1")
    submit(server, initialised, tenant, ["late@example.org"])
    # The relay is unreachable (port 1): the entry is deferred, then suppressed before the retry.
    assert wait_for(lambda: initialised.json("events", "list", "--type", "deferred"), timeout=30)
    initialised.ok("suppression", "add", "--email", "late@example.org")
    assert wait_for(lambda: rows(initialised, "SELECT state FROM queue_entry") == [("SUPPRESSED",)], timeout=30)
    assert initialised.json("events", "list", "--type", "suppressed")[0]["recipient"] == "late@example.org"


def test_kill_9_during_delivery_loses_nothing(initialised, tenant, server_factory, sink):
    import asyncio
    import email
    import smtplib
    import ssl

    async def slow_data(server, session, envelope):
        await asyncio.sleep(0.05)
        with sink.lock:
            sink.received.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 2.0.0 Message accepted"

    sink.handle_DATA = slow_data
    settings = ("delivery.mode=relay", f"delivery.relay_host=127.0.0.1:{sink.port}", "delivery.relay_tls=none",
                "delivery.retry_initial=1", "delivery.retry_factor=1")
    server = server_factory(*settings)
    context = ssl.create_default_context(cafile=str(initialised.data_dir / "tls" / "certificate.pem"))
    accepted = []
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.starttls(context=context)
        client.login(tenant.username, tenant.password)
        for i in range(40):
            client.mail("app@example.com")
            client.rcpt(f"r{i}@example.org")
            code, reply = client.data(message(to=f"r{i}@example.org"))
            assert code == 250
            accepted.append(reply.decode().rsplit(" ", 1)[1])
    wait_for(lambda: len(sink.received) >= 5, timeout=30, interval=0.01)
    server.process.kill()
    server.process.wait(timeout=10)
    delivered_before = len(sink.received)
    server_factory(*settings)
    assert wait_for(lambda: rows(initialised, "SELECT COUNT(*) FROM queue_entry WHERE state = 'QUEUED'")[0][0] == 0, timeout=90)
    message_ids = dict(rows(initialised, "SELECT id, message_id FROM message"))
    received = [email.message_from_bytes(content)["Message-ID"].strip("<>") for _, _, content in sink.received]
    missing = [q for q in accepted if message_ids[q] not in received]
    assert not missing, f"{len(missing)} accepted messages never delivered"
    duplicates = len(received) - len(set(received))
    print(f"kill -9 after {delivered_before} of {len(accepted)} deliveries: 0 lost, {duplicates} duplicates")
