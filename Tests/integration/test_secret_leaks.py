"""No secret ever reaches an output: a whole scenario runs with `log.level=debug` (init, a user
with an SMTP credential, an API key, a generated DKIM key that becomes ACTIVE, SMTP sends with
AUTH PLAIN and AUTH LOGIN, a refused AUTH, a signed HTTPS submitEmail and a badly signed one,
delivery in capture mode), then every output is searched for every form of every secret: the
server's stdout and stderr, every file in the data directory, every CLI command's output."""
import base64
import binascii
import secrets
import sqlite3
import ssl
import time
import urllib.error
import urllib.request

import oci
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from conftest import PUBLISH_ZONE, Envoi, Secret, Server, Tenant
from smtp_client import RawSMTP, message
from test_https_api import ApiKey


class RecordingEnvoi(Envoi):
    """The CLI runner, keeping every command's stdout and stderr."""

    def __init__(self, data_dir):
        super().__init__(data_dir)
        self.outputs = []  # (arguments, stdout + stderr)

    def run(self, *args, **kwargs):
        result = super().run(*args, **kwargs)
        self.outputs.append((args, (result.stdout or "") + (result.stderr or "")))
        return result


def pem_body_lines(pem: bytes, public_der: bytes) -> list[str]:
    """The base64 lines of a private key's PEM body, except any that also spell public bytes
    (the modulus is in both keys; a line of it in `dkim create`'s output is no leak)."""
    public = [base64.b64encode(public_der[shift:]).decode() for shift in range(3)]
    lines = [line for line in pem.decode().splitlines() if line and not line.startswith("-----")]
    return [line for line in lines[:-1] if not any(line in text for text in public)]


def private_forms(pem: bytes) -> list[str]:
    """The PEM body lines and the private exponent and primes in hex."""
    key = serialization.load_pem_private_key(pem, password=None)
    public_der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    numbers = key.private_numbers()
    return pem_body_lines(pem, public_der) + [format(value, "x") for value in (numbers.d, numbers.p, numbers.q)]


def dkim_private_key(envoi: Envoi, key_id: str) -> bytes:
    """The generated DKIM key, opened from the database with the master key (SecretBox's format:
    a version byte, the 12-byte nonce, the ciphertext and tag; the context as associated data)."""
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        sealed = connection.execute("SELECT private_key FROM dkim WHERE id = ?", (key_id,)).fetchone()[0]
    finally:
        connection.close()
    assert sealed[0] == 1
    master = (envoi.data_dir / "master.key").read_bytes()
    return AESGCM(master).decrypt(sealed[1:13], sealed[13:], f"dkim.private_key/{key_id}".encode())


def auth_login(client: RawSMTP, username: str, password: str) -> str:
    assert client.command("AUTH LOGIN").startswith("334 ")
    assert client.command(base64.b64encode(username.encode()).decode()).startswith("334 ")
    return client.command(base64.b64encode(password.encode()).decode())


def send(client: RawSMTP, to: str) -> str:
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    assert client.command(f"RCPT TO:<{to}>") == "250 2.1.5 Ok"
    client.command("DATA")
    client.send(message(to=to) + b".\r\n")
    return client.reply()


def test_no_secret_appears_in_any_output_at_debug_level(tmp_path, dns):
    envoi = RecordingEnvoi(tmp_path / "data")
    envoi.env.update({"ENVOI_DNS_RESOLVER": dns.address, "ENVOI_DNS_TIMEOUT": "1", "ENVOI_DKIM_PUBLISH_ZONE": PUBLISH_ZONE})
    envoi.ok("init")
    tenant = Tenant(envoi)
    api_key = ApiKey(envoi, tmp_path)
    domain = envoi.json("domain", "create", "--name", "example.com")
    dkim = envoi.json("dkim", "create", "--domain-id", domain["id"], "--selector", "s1")
    dns.set_zone(envoi.ok("dkim", "zone").stdout
                 + f"$ORIGIN example.com.\n$TTL 300\ns1._domainkey IN CNAME s1.example.com.{PUBLISH_ZONE}.\n")
    server = Server(envoi, "log.level=debug", "dkim.check_interval=1")
    try:
        deadline = time.monotonic() + 30
        while envoi.json("dkim", "get", dkim["id"])["lifecycleState"] != "ACTIVE" and time.monotonic() < deadline:
            time.sleep(0.2)
        assert envoi.json("dkim", "get", dkim["id"])["lifecycleState"] == "ACTIVE"

        cafile = str(envoi.data_dir / "tls" / "certificate.pem")
        wrong = Secret("Wrong-" + secrets.token_urlsafe(18))
        refused = RawSMTP(server.port, cafile)
        refused.reply()
        refused.command("EHLO c")
        refused.starttls()
        refused.command("EHLO c")
        assert refused.command("AUTH PLAIN").startswith("334")
        wrong_blob = base64.b64encode(f"\0{tenant.username}\0{wrong}".encode()).decode()
        assert refused.command(wrong_blob) == "535 Authentication credentials invalid"
        refused.close()

        plain = RawSMTP(server.port, cafile).ready(tenant.username, tenant.password)
        assert send(plain, "one@example.org").startswith("250 2.0.0 Ok: queued as ")
        plain.command("QUIT")
        login = RawSMTP(server.port, cafile)
        login.reply()
        login.command("EHLO c")
        login.starttls()
        login.command("EHLO c")
        assert auth_login(login, tenant.username, tenant.password) == "235 2.7.0 Authentication successful"
        assert send(login, "two@example.org").startswith("250 2.0.0 Ok: queued as ")
        login.command("QUIT")

        data = oci.email_data_plane.EmailDPClient(api_key.config, service_endpoint=server.https_endpoint,
                                                  circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
        data.base_client.session.verify = cafile
        data.base_client.session.trust_env = False
        models = oci.email_data_plane.models
        details = models.SubmitEmailDetails(
            sender=models.Sender(sender_address=models.EmailAddress(email="app@example.com"), compartment_id=api_key.tenancy),
            recipients=models.Recipients(to=[models.EmailAddress(email="three@example.org")]), subject="Hi", body_text="Hello")
        assert data.submit_email(details).data.envelope_id.startswith("ocid1.emailmessage.envoi..")
        # A request whose key id is right but whose signature is wrong is refused and logged.
        authorization = (f'Signature version="1",keyId="{api_key.tenancy}/{api_key.user}/{api_key.fingerprint}",'
                         'algorithm="rsa-sha256",headers="date",signature="AAAA"')
        forged = urllib.request.Request(f"{server.https_endpoint}/20220926/actions/submitEmail", data=b"{}", method="POST", headers={
            "Authorization": authorization, "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime())})
        with pytest.raises(urllib.error.HTTPError) as refusal:
            urllib.request.urlopen(forged, context=ssl.create_default_context(cafile=cafile), timeout=30)
        assert refusal.value.code == 401

        deadline = time.monotonic() + 30
        while len(envoi.json("mail", "list")) < 3 and time.monotonic() < deadline:
            time.sleep(0.2)
        kept = envoi.json("mail", "list")
        assert len(kept) == 3 and {m["dkimSelector"] for m in kept} == {"s1"}
    finally:
        assert server.stop() == 0
    server_output = "".join(server.stderr_lines)
    while not server.lines.empty():
        server_output += server.lines.get()
    # The level took effect: debug lines are there (else this test would search nothing).
    assert "debug" in server_output and "smtp auth accepted" in server_output and "smtp auth refused" in server_output
    assert "request refused" in server_output

    master = (envoi.data_dir / "master.key").read_bytes()
    assert len(master) == 32
    forms = {
        "password": [tenant.password, wrong],
        "AUTH PLAIN blob": [base64.b64encode(f"\0{tenant.username}\0{tenant.password}".encode()).decode(), wrong_blob],
        "AUTH LOGIN blob": [base64.b64encode(tenant.password.encode()).decode(), base64.b64encode(wrong.encode()).decode()],
        "DKIM private key": private_forms(dkim_private_key(envoi, dkim["id"])),
        "API private key": private_forms(api_key.key_file.read_bytes()),
        "master key": [master.hex(), master.hex().upper(), base64.b64encode(master).decode(),
                       base64.urlsafe_b64encode(master).decode().rstrip("=")],
    }
    assert all(len(form) >= 8 for values in forms.values() for form in values)
    outputs = [("serve stdout and stderr", server_output.encode())]
    outputs += [(f"data directory file {path.relative_to(envoi.data_dir)}", path.read_bytes())
                for path in sorted(envoi.data_dir.rglob("*")) if path.is_file()]
    outputs += [(f"envoi {' '.join(args[:3])}", text.encode()) for args, text in envoi.outputs]
    assert len(envoi.outputs) > 15 and any("sqlite" in name for name, _ in outputs)
    leaks = []
    for kind, values in forms.items():
        for name, text in outputs:
            # The one-time password of `credential create` is the one sanctioned exception.
            if kind == "password" and name.startswith("envoi credential create"):
                continue
            if any(value.encode() in text for value in values):
                leaks.append(f"{kind} in {name}")
    assert leaks == [], leaks
