"""Crash-safety soak: SMTP and HTTPS load into `envoi serve` (capture delivery on), `kill -9` at
random moments (a bounded number of times), restart, and at the end compare what every client was
told against the database: each `250 … queued as <id>` and each HTTPS `200` with an envelopeId must
be in the queue's event log and, once delivery has drained, in the capture mailbox. Zero
acknowledged messages may be lost; duplicates (one messageId queued twice) are counted and must be
zero for HTTPS retries, which name their messageId. It also samples the server's RSS each second.

    .venv/bin/python Benchmarks/soak.py [--duration SECONDS] [--kills N] [--smtp-clients N] [--https-clients N]

ENVOI_BIN picks the binary (default: the debug build). The suite runs a short version
(Tests/integration/test_soak.py); the README's figures come from a longer one.
"""
import argparse
import collections
import json
import os
import pathlib
import random
import smtplib
import sqlite3
import ssl
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "Tests" / "integration"))

import oci  # noqa: E402

from conftest import Envoi, Server, Tenant  # noqa: E402
from smtp_client import message  # noqa: E402
from test_https_api import ApiKey  # noqa: E402


class Ledger:
    """What clients were told, shared by every client thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.smtp_ids = []          # queue ids from `250 2.0.0 Ok: queued as <id>`
        self.https = {}             # messageId -> envelopeId from each 200
        self.errors = collections.Counter()  # kind of failure -> count (expected while the server is down)
        self.conflicts = 0          # a retry answered with another envelope id than the first answer

    def smtp(self, queue_id):
        with self.lock:
            self.smtp_ids.append(queue_id)

    def answered(self, message_id, envelope_id):
        with self.lock:
            if self.https.setdefault(message_id, envelope_id) != envelope_id:
                self.conflicts += 1

    def failed(self, error):
        with self.lock:
            self.errors[type(error).__name__ + (f" {error.status}" if hasattr(error, "status") else "")] += 1


def smtp_client(port, cafile, tenant, ledger, stop, index):
    context = ssl.create_default_context(cafile=cafile)
    sent = 0
    while not stop.is_set() and sent < 100_000:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.starttls(context=context)
                client.login(tenant.username, tenant.password)
                while not stop.is_set() and sent < 100_000:
                    client.mail("app@example.com")
                    client.rcpt(f"s{index}-{sent}@example.org")
                    code, reply = client.data(message(to=f"s{index}-{sent}@example.org"))
                    sent += 1
                    if code == 250:
                        ledger.smtp(reply.decode().rsplit(" ", 1)[1])
        except (smtplib.SMTPException, OSError) as error:
            ledger.failed(error)
            time.sleep(0.1)


def https_client(endpoint, cafile, key, ledger, stop, index, pending):
    """Submits with a messageId; after a failure it retries the same messageId (as the SDK does),
    which must never queue the message twice."""
    client = oci.email_data_plane.EmailDPClient(key.config, service_endpoint=endpoint, retry_strategy=oci.retry.NoneRetryStrategy(),
                                                circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy(), timeout=(5, 15))
    client.base_client.session.verify = cafile
    client.base_client.session.trust_env = False
    sent = 0
    while not stop.is_set() and sent < 100_000:
        message_id = pending.get(index) or f"soak-{index}-{sent}-{random.getrandbits(32):08x}@example.com"
        pending[index] = message_id
        details = oci.email_data_plane.models.SubmitEmailDetails(
            sender=oci.email_data_plane.models.Sender(
                sender_address=oci.email_data_plane.models.EmailAddress(email="app@example.com"), compartment_id=key.tenancy),
            recipients=oci.email_data_plane.models.Recipients(
                to=[oci.email_data_plane.models.EmailAddress(email=f"h{index}-{sent}@example.org")]),
            subject="soak", body_text="soak", message_id=message_id)
        try:
            response = client.submit_email(details)
            ledger.answered(message_id, response.data.envelope_id)
            pending.pop(index, None)
            sent += 1
        except Exception as error:  # connection refused or reset while the server is down: retry the same id
            ledger.failed(error)
            time.sleep(0.1)


def rss_kib(pid):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def database_view(envoi):
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        accepted = {row[0] for row in connection.execute("SELECT DISTINCT queue_id FROM event WHERE type = 'accepted'")}
        mailbox = {row[0] for row in connection.execute("SELECT DISTINCT queue_id FROM mailbox")}
        waiting = connection.execute("SELECT COUNT(*) FROM queue_entry WHERE state = 'QUEUED'").fetchone()[0]
        per_message_id = connection.execute(
            "SELECT COUNT(*) FROM (SELECT message_id FROM message GROUP BY message_id HAVING COUNT(*) > 1)").fetchone()[0]
        mailbox_duplicates = connection.execute(
            "SELECT COUNT(*) FROM (SELECT message_id FROM mailbox GROUP BY message_id HAVING COUNT(*) > 1)").fetchone()[0]
        return accepted, mailbox, waiting, per_message_id, mailbox_duplicates
    finally:
        connection.close()


def soak(data_dir, duration, kills, smtp_clients, https_clients, log=print):
    envoi = Envoi(pathlib.Path(data_dir))
    envoi.ok("init")
    envoi.ok("limits", "set", "--per-minute", "10000000", "--per-day", "100000000")
    tenant = Tenant(envoi)
    key = ApiKey(envoi, pathlib.Path(data_dir).parent)
    cafile = str(envoi.data_dir / "tls" / "certificate.pem")
    ledger, pending, samples = Ledger(), {}, []
    # The per-key request rate would otherwise throttle the HTTPS clients (429): measure the store.
    settings = ("delivery.retry_initial=1", "https.requests_per_second=100000")
    rounds = kills + 1
    started = time.monotonic()
    for round_number in range(rounds):
        server = Server(envoi, *settings, listeners=1)
        stop = threading.Event()
        threads = [threading.Thread(target=smtp_client, args=(server.port, cafile, tenant, ledger, stop, i + 100 * round_number))
                   for i in range(smtp_clients)]
        threads += [threading.Thread(target=https_client, args=(server.https_endpoint, cafile, key, ledger, stop, i, pending))
                    for i in range(https_clients)]
        for thread in threads:
            thread.start()
        # The last round runs to the end of the duration and stops cleanly; the others die by kill -9
        # at a random moment of their share of it.
        share = max(1.0, duration / rounds)
        if round_number < kills:
            end = time.monotonic() + random.uniform(share * 0.3, share)
        else:
            end = max(time.monotonic() + 1.0, started + duration)
        while time.monotonic() < end:
            sample = rss_kib(server.process.pid)
            if sample:
                samples.append((round(time.monotonic() - started, 1), sample))
            time.sleep(min(1.0, max(0.0, end - time.monotonic())))
        if round_number < kills:
            server.process.kill()
            server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        if round_number == kills:
            # Let delivery drain what is queued (bounded), then stop cleanly.
            deadline = time.monotonic() + 120
            while database_view(envoi)[2] > 0 and time.monotonic() < deadline:
                time.sleep(0.5)
            assert server.stop() == 0, "the final SIGTERM did not exit 0"
        log(f"round {round_number + 1}/{rounds}: {len(ledger.smtp_ids)} SMTP and {len(ledger.https)} HTTPS acknowledged so far")
    elapsed = time.monotonic() - started
    accepted, mailbox, waiting, duplicates, delivered_twice = database_view(envoi)
    told = set(ledger.smtp_ids) | set(ledger.https.values())
    return {
        "seconds": round(elapsed, 1),
        "kills": kills,
        "acknowledged": len(told),
        "acknowledged_per_second": round(len(told) / elapsed, 1),
        "lost_from_queue": len(told - accepted),
        "lost_from_mailbox": len(told - mailbox),
        "still_queued": waiting,
        "committed_unacknowledged": len(accepted - told),
        "duplicates": duplicates + ledger.conflicts,
        "delivered_twice": delivered_twice,
        "client_errors": dict(ledger.errors),
        "rss_mib_first": round(samples[0][1] / 1024, 1) if samples else None,
        "rss_mib_at_10_percent": round(samples[len(samples) // 10][1] / 1024, 1) if samples else None,
        "rss_mib_max": round(max(s for _, s in samples) / 1024, 1) if samples else None,
        "rss_mib_last": round(samples[-1][1] / 1024, 1) if samples else None,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=600)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--smtp-clients", type=int, default=8)
    parser.add_argument("--https-clients", type=int, default=4)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="envoi-soak-") as directory:
        result = soak(pathlib.Path(directory) / "data", arguments.duration, arguments.kills,
                      arguments.smtp_clients, arguments.https_clients)
    print(json.dumps(result, indent=2))
    sys.exit(0 if result["lost_from_queue"] == 0 and result["lost_from_mailbox"] == 0 and result["duplicates"] == 0 else 1)


if __name__ == "__main__":
    main()
