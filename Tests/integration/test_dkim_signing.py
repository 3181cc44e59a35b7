"""Messages signed by `envoi dkim sign` verify with independent implementations — dkimpy (PyPI)
and, for RSA, Perl Mail::DKIM (Debian) — which fetch the key through a real DNS server on
loopback: the customer zone's CNAME, then the TXT in Envoi's publish zone."""
import pathlib
import subprocess

import dkim
import dns.resolver as dnsresolver
import pytest

from conftest import ENVOI, PUBLISH_ZONE

HERE = pathlib.Path(__file__).resolve().parent

MESSAGE = (
    "From: Alice <alice@{domain}>\n"
    "To: bob@example.net\n"
    "Cc: carol@example.net\n"
    "Subject: Quarterly report\n"
    "Date: Sat, 28 Nov 2026 10:00:00 +0000\n"
    "Message-ID: <report-1@{domain}>\n"
    "MIME-Version: 1.0\n"
    "Content-Type: text/plain; charset=utf-8\n"
    "\n"
    "Hello Bob,\n"
    "\n"
    "the figures  are attached.   Trailing spaces here:   \n"
    "\n"
    "\n"
)


def signed_message(envoi, dns, domain_name, algorithm, selector="s1"):
    domain = envoi.json("domain", "create", "--name", domain_name)
    key = envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", selector, "--algorithm", algorithm, timeout=120)
    customer = (f"$ORIGIN {domain_name}.\n$TTL 300\n"
                f"{selector}._domainkey IN CNAME {selector}.{domain_name}.{PUBLISH_ZONE}.\n")
    dns.set_zone(envoi.ok("dkim", "zone").stdout + customer)
    assert envoi.json("dkim", "check", key["id"])["key"]["lifecycleState"] == "ACTIVE"
    message = MESSAGE.format(domain=domain_name).encode()
    result = subprocess.run([ENVOI, "--data-dir", str(envoi.data_dir), "dkim", "sign", "--domain", domain_name],
                            input=message, capture_output=True, env=envoi.env, timeout=60)
    assert result.returncode == 0, result.stderr
    return key, result.stdout


ALGORITHMS = [("rsa2048", "rsa-sha256", "example.com"), ("rsa3072", "rsa-sha256", "example.org"),
              ("ed25519", "ed25519-sha256", "example.net")]


@pytest.mark.parametrize("algorithm,tag,domain_name", ALGORITHMS, ids=[a[0] for a in ALGORITHMS])
def test_signed_messages_verify_with_dkimpy_through_dns(dkim_envoi, dns, dkimpy_through, algorithm, tag, domain_name):
    key, signed = signed_message(dkim_envoi, dns, domain_name, algorithm)
    assert signed.startswith(b"DKIM-Signature: v=1; a=" + tag.encode() + b"; c=relaxed/relaxed; d=" + domain_name.encode() + b"; s=s1;")
    assert b"\r\n" in signed and b"\n" not in signed.replace(b"\r\n", b"")
    header = signed.split(b"\r\n\r\n", 1)[0].decode()
    assert "h=from:from:to:cc:subject:date:message-id:mime-version:content-type;" in header.replace("\r\n ", "")
    queried = len(dns.queries)
    assert dkim.verify(signed) is True
    assert (f"s1._domainkey.{domain_name}", "TXT", "udp") in dns.queries[queried:]
    tampered = signed.replace(b"the figures", b"the figurez")
    assert dkim.verify(tampered) is False


@pytest.mark.parametrize("algorithm,domain_name", [("rsa2048", "example.com"), ("rsa3072", "example.org")])
def test_rsa_signatures_verify_with_perl_mail_dkim_through_dns(dkim_envoi, dns, tmp_path, algorithm, domain_name):
    key, signed = signed_message(dkim_envoi, dns, domain_name, algorithm)
    path = tmp_path / "signed.eml"
    path.write_bytes(signed)
    result = subprocess.run(["perl", str(HERE / "verify_mail_dkim.pl"), "127.0.0.1", str(dns.port), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Mail::DKIM: pass")
    assert f"d={domain_name} s=s1 a=rsa-sha256: pass" in result.stdout
    path.write_bytes(signed.replace(b"Quarterly report", b"Quarterly rep0rt"))
    failed = subprocess.run(["perl", str(HERE / "verify_mail_dkim.pl"), "127.0.0.1", str(dns.port), str(path)],
                            capture_output=True, text=True, timeout=60)
    assert failed.returncode == 1 and "fail" in failed.stdout


def test_a_key_that_is_not_active_does_not_sign(dkim_envoi, dns):
    domain = dkim_envoi.json("domain", "create", "--name", "example.com")
    dkim_envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", "s1", "--algorithm", "ed25519")
    result = dkim_envoi.run("dkim", "sign", "--domain", "example.com")
    assert result.returncode == 1
    assert result.stderr.startswith("envoi: error: domain: example.com has no ACTIVE DKIM key") and result.stdout == ""
