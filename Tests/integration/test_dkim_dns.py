"""The DKIM checker against a real DNS server on loopback: each DNS mistake of BEHAVIOUR §5 set up
in the zone yields NEEDS_ATTENTION with its own explanation, fixing the zone yields ACTIVE, and a
DNS server that is down, silent or failing keeps the state and reports the failure."""
import pathlib

import pytest

from conftest import PUBLISH_ZONE

RESOURCES = pathlib.Path(__file__).resolve().parents[1] / "DKIMTests" / "Resources"
ED25519_OTHER = "v=DKIM1; k=ed25519; p=" + (RESOURCES / "ed25519-public.b64").read_text().strip()


def create_key(envoi, domain_name, selector="s1", algorithm=None):
    domain = envoi.json("domain", "create", "--name", domain_name)
    source = ["--private-key", str(RESOURCES / "rsa2048-pkcs8.pem")] if algorithm is None else ["--algorithm", algorithm]
    return envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", selector, *source)


def customer_zone(origin, *lines):
    return f"$ORIGIN {origin}.\n$TTL 300\n" + "\n".join(lines) + "\n"


def serve(dns, envoi, customer=""):
    """Serves Envoi's publish zone (as `envoi dkim zone` writes it) and the customer's records."""
    dns.set_zone(envoi.ok("dkim", "zone").stdout + customer)


def check(envoi, key):
    report = envoi.json("dkim", "check", key["id"], timeout=30)
    assert report["key"]["id"] == key["id"]
    return report


def strings(value):
    return [value[i:i + 255] for i in range(0, len(value), 255)]


NAME = "s1._domainkey.example.com"
TARGET = f"s1.example.com.{PUBLISH_ZONE}"

# (label, how to break the zone, the sentence the checker must give)
MISTAKES = [
    ("nothing published", lambda dns, key, publish: None,
     f"Nothing is published at {NAME}. Publish a CNAME there pointing to {TARGET}"),
    ("zone-relative name entered as absolute",
     lambda dns, key, publish: dns.set_zone(publish + customer_zone("example.com", f"s1._domainkey.example.com IN CNAME {TARGET}."))
     , f"The record is at {NAME}.example.com instead of {NAME}: a zone-relative name was entered as if it were absolute, "
       "so the zone name example.com was appended. In the example.com zone write the name as s1._domainkey"),
    ("CNAME to the wrong target", lambda dns, key, publish: dns.set_zone(publish + customer_zone("example.com", "s1._domainkey IN CNAME s1.example.com.dkim.elsewhere.test.")),
     f"The CNAME at {NAME} points to s1.example.com.dkim.elsewhere.test; it must point to {TARGET}."),
    ("CNAME target without its final dot", lambda dns, key, publish: dns.set_zone(publish + customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}")),
     f"The CNAME at {NAME} points to {TARGET}.example.com: its target was entered without the final dot"),
    ("publish zone serving another key",
     lambda dns, key, publish: [dns.set_zone(publish.replace(key["txtRecordValue"][100:160], "A" * 60) + customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}."))],
     f"The CNAME at {NAME} points to {TARGET} as it should, but Envoi's record there is wrong: The TXT record at {TARGET}"),
    ("TXT with another key", lambda dns, key, publish: dns.add_txt(NAME, ED25519_OTHER),
     f"The TXT record at {NAME} holds an ed25519 key (256 bits) but this DKIM key is rsa."),
    ("TXT truncated to its first string", lambda dns, key, publish: dns.add_txt(NAME, strings(key["txtRecordValue"])[0]),
     f"The TXT record at {NAME} is truncated: The rsa public key in p= is truncated:"),
    ("TXT that lost its ';'", lambda dns, key, publish: dns.add_txt(NAME, *strings(key["txtRecordValue"].replace("k=rsa; ", "k=rsa "))),
     f"The TXT record at {NAME} lost a ';': A ';' is missing between the k= and p= tags"),
    ("value split into two TXT records", lambda dns, key, publish: [dns.add_txt(NAME, s) for s in strings(key["txtRecordValue"])],
     f"The value at {NAME} was split into 2 separate TXT records; it must be one TXT record"),
    ("strings typed with their quotes",
     lambda dns, key, publish: dns.add_txt(NAME, *strings(" ".join(f'"{s}"' for s in strings(key["txtRecordValue"])))),
     f"The TXT record at {NAME} contains quote characters"),
    ("several records at the name", lambda dns, key, publish: [dns.add_txt(NAME, *strings(key["txtRecordValue"])), dns.add_txt(NAME, "v=spf1 -all")],
     f"There are 2 records at {NAME} (2 TXT); a DKIM selector needs exactly one"),
]


@pytest.mark.parametrize("label,breakage,explanation", MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_needs_attention_with_its_explanation_until_the_zone_is_fixed(dkim_envoi, dns, label, breakage, explanation):
    key = create_key(dkim_envoi, "example.com")
    publish = dkim_envoi.ok("dkim", "zone").stdout
    dns.set_zone(publish)
    breakage(dns, key, publish)
    report = check(dkim_envoi, key)
    assert report["outcome"] == "NEEDS_ATTENTION"
    assert report["key"]["lifecycleState"] == "NEEDS_ATTENTION"
    assert report["key"]["lifecycleDetails"].startswith(explanation), report["key"]["lifecycleDetails"]
    assert dkim_envoi.json("dkim", "get", key["id"])["lifecycleDetails"] == report["key"]["lifecycleDetails"]

    serve(dns, dkim_envoi, customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}."))
    fixed = check(dkim_envoi, key)
    assert fixed["key"]["lifecycleState"] == "ACTIVE", fixed
    assert fixed["key"]["lifecycleDetails"] == f"DNS verified: {NAME} is a CNAME to {TARGET}, which holds this key."
    domain = dkim_envoi.json("domain", "get", key["emailDomainId"])
    assert domain["activeDkimId"] == key["id"]


def test_a_subdomain_record_at_the_parent_zone_is_explained(dkim_envoi, dns):
    key = create_key(dkim_envoi, "mail.example.com", algorithm="ed25519")
    target = f"s1.mail.example.com.{PUBLISH_ZONE}"
    serve(dns, dkim_envoi, customer_zone("example.com", f"s1._domainkey IN CNAME {target}."))
    report = check(dkim_envoi, key)
    assert report["key"]["lifecycleState"] == "NEEDS_ATTENTION"
    assert report["key"]["lifecycleDetails"] == (
        "The record is at s1._domainkey.example.com, the _domainkey name of the zone example.com, but the email domain is "
        "mail.example.com, a subdomain: it belongs at s1._domainkey.mail.example.com (in the example.com zone: s1._domainkey.mail).")
    assert "s1._domainkey.example.com" in report["namesLookedUp"]
    serve(dns, dkim_envoi, customer_zone("example.com", f"s1._domainkey.mail IN CNAME {target}."))
    assert check(dkim_envoi, key)["key"]["lifecycleState"] == "ACTIVE"


def test_the_txt_way_verifies_and_a_large_answer_comes_over_tcp(dkim_envoi, dns):
    key = create_key(dkim_envoi, "example.com", algorithm="rsa3072")
    serve(dns, dkim_envoi)
    dns.add_txt(NAME, *strings(key["txtRecordValue"]))
    report = check(dkim_envoi, key)
    assert report["outcome"] == "VERIFIED" and report["key"]["lifecycleState"] == "ACTIVE"
    assert report["key"]["lifecycleDetails"].startswith(f"DNS verified: the TXT record at {NAME} holds this key")
    # A 3072-bit key's record does not fit the 512 octets of a plain UDP answer: the answer came
    # truncated and the resolver asked again over TCP.
    assert (NAME, "TXT", "tcp") in dns.tcp_queries()


def active_key(envoi, dns):
    key = create_key(envoi, "example.com", algorithm="ed25519")
    serve(dns, envoi, customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}."))
    assert check(envoi, key)["key"]["lifecycleState"] == "ACTIVE"
    return key


def test_a_stopped_dns_server_keeps_the_state_and_reports_the_failure(dkim_envoi, dns):
    key = active_key(dkim_envoi, dns)
    dns.stop()
    report = check(dkim_envoi, key)
    assert report["outcome"] == "LOOKUP_FAILED"
    assert report["key"]["lifecycleState"] == "ACTIVE"
    details = report["key"]["lifecycleDetails"]
    assert details.startswith(f"The DNS lookup of {NAME} failed: the DNS server {dns.address} refused the connection")
    assert details.endswith(f"The key stays ACTIVE until DNS answers. Last finding: DNS verified: {NAME} is a CNAME to {TARGET}, which holds this key.")
    again = check(dkim_envoi, key)["key"]
    assert again["lifecycleState"] == "ACTIVE" and again["lifecycleDetails"] == details


def test_servfail_and_silence_keep_needs_attention(dkim_envoi, dns):
    from dns_server import SilentDNS

    key = create_key(dkim_envoi, "example.com", algorithm="ed25519")
    serve(dns, dkim_envoi)
    assert check(dkim_envoi, key)["key"]["lifecycleDetails"].startswith("Nothing is published")
    dns.servfail = True
    failed = check(dkim_envoi, key)["key"]
    assert failed["lifecycleState"] == "NEEDS_ATTENTION"
    assert failed["lifecycleDetails"].startswith(f"The DNS lookup of {NAME} failed: the DNS server {dns.address} answered SERVFAIL.")
    assert "Last finding: Nothing is published" in failed["lifecycleDetails"]
    silent = SilentDNS()
    try:
        result = dkim_envoi.json("dkim", "check", key["id"], env={"ENVOI_DNS_RESOLVER": silent.address}, timeout=30)
    finally:
        silent.close()
    assert result["key"]["lifecycleState"] == "NEEDS_ATTENTION"
    assert f"no answer from the DNS server {silent.address} within 2 s (timed out)" in result["key"]["lifecycleDetails"]


def test_check_all_checks_every_key_and_rotation_deactivates_the_old_one(dkim_envoi, dns):
    old = active_key(dkim_envoi, dns)
    new = dkim_envoi.json("dkim", "create", "--domain-id", old["emailDomainId"], "--selector", "s2", "--algorithm", "ed25519")
    serve(dns, dkim_envoi, customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}.",
                                         f"s2._domainkey IN CNAME s2.example.com.{PUBLISH_ZONE}."))
    # The old key signs until the new one is ACTIVE; then the old one is rotated out.
    reports = dkim_envoi.json("dkim", "check", "--all", timeout=60)
    assert {r["key"]["id"] for r in reports} == {old["id"], new["id"]}
    states = {k["name"]: k["lifecycleState"] for k in dkim_envoi.json("dkim", "list", "--domain-id", old["emailDomainId"])}
    assert states == {"s1": "INACTIVE", "s2": "ACTIVE"}
    inactive = dkim_envoi.run("dkim", "check", old["id"])
    assert inactive.returncode == 1 and "is INACTIVE; only CREATING, NEEDS_ATTENTION and ACTIVE keys are checked" in inactive.stderr


def test_an_ipv6_resolver_address_works_with_tcp_fallback(initialised):
    from dns_server import LoopbackDNS

    server = LoopbackDNS(host="::1").start()
    try:
        initialised.env.update({"ENVOI_DNS_RESOLVER": server.address, "ENVOI_DNS_TIMEOUT": "1", "ENVOI_DKIM_PUBLISH_ZONE": PUBLISH_ZONE})
        key = create_key(initialised, "example.com", algorithm="rsa3072")
        server.set_zone(initialised.ok("dkim", "zone").stdout + customer_zone("example.com", f"s1._domainkey IN CNAME {TARGET}."))
        assert check(initialised, key)["key"]["lifecycleState"] == "ACTIVE"
        assert (NAME, "TXT", "tcp") in server.tcp_queries()
    finally:
        server.stop()


def test_domain_check_sets_is_spf_from_the_spf_record(dkim_envoi, dns):
    dkim_envoi.env["ENVOI_SPF_INCLUDE"] = "spf.envoi.test"
    domain = dkim_envoi.json("domain", "create", "--name", "example.com")
    sender = dkim_envoi.json("sender", "create", "--email", "news@example.com")
    dns.set_zone(customer_zone("example.com", "example.com. IN MX 10 mx.example.com."))
    report = dkim_envoi.json("domain", "check", domain["id"])
    assert report["domain"]["isSpf"] is False and report["lookupFailed"] is False
    assert report["explanation"] == ('example.com publishes no SPF record; publish the TXT record '
                                     '"v=spf1 include:spf.envoi.test ~all" (or add include:spf.envoi.test to it).')
    dns.add_txt("example.com", "v=spf1 ip4:192.0.2.0/24 include:spf.envoi.test ~all")
    report = dkim_envoi.json("domain", "check", domain["id"])
    assert report["domain"]["isSpf"] is True
    assert dkim_envoi.json("sender", "get", sender["id"])["isSpf"] is True
    dns.add_txt("example.com", "v=spf1 -all")
    report = dkim_envoi.json("domain", "check", domain["id"])
    assert report["domain"]["isSpf"] is False and "publishes 2 SPF records" in report["explanation"]
    dns.records["example.com"] = [rr for rr in dns.records["example.com"] if b"-all" not in b"".join(getattr(rr.rdata, "data", [b""]))]
    assert dkim_envoi.json("domain", "check", domain["id"])["domain"]["isSpf"] is True
    dns.stop()
    failed = dkim_envoi.json("domain", "check", domain["id"])
    assert failed["lookupFailed"] is True and failed["domain"]["isSpf"] is True
    assert failed["explanation"].startswith(f"The DNS lookup of example.com failed: the DNS server {dns.address} refused the connection")
