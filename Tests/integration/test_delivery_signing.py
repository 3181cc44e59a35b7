"""Delivery signs with the From domain's ACTIVE DKIM key once the periodic checker has seen the
published record, and the delivered message verifies with dkimpy through the loopback DNS."""
import pathlib
import time

import dkim

from conftest import PUBLISH_ZONE, Tenant
from smtp_client import RawSMTP, message

RESOURCES = pathlib.Path(__file__).resolve().parents[1] / "DKIMTests" / "Resources"


def test_the_periodic_check_activates_the_key_and_delivery_signs_with_it(dkim_envoi, dns, dkimpy_through, server_factory):
    envoi = dkim_envoi
    tenant = Tenant(envoi)
    domain = envoi.json("domain", "create", "--name", "example.com")
    key = envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", "s1",
                     "--private-key", str(RESOURCES / "rsa2048-pkcs8.pem"))
    assert key["lifecycleState"] == "NEEDS_ATTENTION"
    dns.set_zone(envoi.ok("dkim", "zone").stdout
                 + f"$ORIGIN example.com.\n$TTL 300\ns1._domainkey IN CNAME s1.example.com.{PUBLISH_ZONE}.\n")
    server = server_factory("dkim.check_interval=1")
    deadline = time.monotonic() + 30
    while envoi.json("dkim", "get", key["id"])["lifecycleState"] != "ACTIVE" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert envoi.json("dkim", "get", key["id"])["lifecycleState"] == "ACTIVE"

    client = RawSMTP(server.port, str(envoi.data_dir / "tls" / "certificate.pem")).ready(tenant.username, tenant.password)
    client.command("MAIL FROM:<app@example.com>")
    client.command("RCPT TO:<friend@example.org>")
    client.command("DATA")
    client.send(message() + b".\r\n")
    assert client.reply().startswith("250 2.0.0 Ok: queued as ")
    deadline = time.monotonic() + 30
    while not envoi.json("mail", "list") and time.monotonic() < deadline:
        time.sleep(0.2)
    kept = envoi.json("mail", "list")[0]
    assert kept["dkimSelector"] == "s1"
    raw = envoi.ok("mail", "raw", str(kept["id"])).stdout.replace("\r\n", "\n").replace("\n", "\r\n").encode()
    assert raw.startswith(b"DKIM-Signature: v=1; a=rsa-sha256;") and b"d=example.com" in raw and b"s=s1" in raw
    assert dkim.verify(raw), "dkimpy must verify the delivered message through the loopback DNS"
    events = envoi.json("events", "list", "--type", "relayed")
    assert events[0]["dkimSelector"] == "s1" and events[0].get("errorType") is None
