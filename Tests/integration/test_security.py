"""Security properties over real sockets on both SMTP listeners and the HTTPS listener: no open
relay, no AUTH without TLS, no TLS below 1.2, a private data directory (SECURITY.md)."""
import base64
import os
import sqlite3
import stat
import subprocess

import pytest

from smtp_client import RawSMTP, message


def cafile(envoi):
    return str(envoi.data_dir / "tls" / "certificate.pem")


def queued(envoi) -> int:
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM message").fetchone()[0]
    finally:
        connection.close()


def greeted(port, envoi, tls):
    client = RawSMTP(port, cafile(envoi))
    assert client.reply().startswith("220 ")
    client.command("EHLO relay-test.example")
    if tls:
        client.starttls()
        client.command("EHLO relay-test.example")
    return client


@pytest.mark.parametrize("tls", [False, True], ids=["plaintext", "starttls"])
def test_no_open_relay_without_auth_on_either_listener(initialised, tenant, server_factory, tls):
    """Unauthenticated MAIL, RCPT to a foreign domain and DATA all get the BEHAVIOUR.md §1 reply."""
    server = server_factory()
    assert len(server.smtp_ports) == 2
    for port in server.smtp_ports:
        client = greeted(port, initialised, tls)
        for sender in ("app@example.com", "", "spoof@victim.example"):
            assert client.command(f"MAIL FROM:<{sender}>") == "535 Authentication required"
        for recipient in ("someone@gmail.example", "postmaster@elsewhere.example", "app@example.com"):
            assert client.command(f"RCPT TO:<{recipient}>") == "535 Authentication required"
        assert client.command("DATA") == "535 Authentication required"
        # Whatever follows is commands, never a message body.
        client.send(message(to="someone@gmail.example") + b".\r\nNOOP\r\n")
        replies = [client.reply() for _ in range(7)]
        assert replies[-1].startswith("250") and all(reply.startswith("5") for reply in replies[:-1]), replies
        client.close()
    assert queued(initialised) == 0


def test_authenticated_users_send_only_as_approved_senders(initialised, tenant, server_factory):
    server = server_factory()
    for port in server.smtp_ports:
        client = RawSMTP(port, cafile(initialised)).ready(tenant.username, tenant.password)
        assert client.command("MAIL FROM:<ceo@bank.example>") == "535 Authorization failed: address ceo@bank.example not authorized"
        assert client.command("MAIL FROM:<>").startswith("5")
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        assert client.command("RCPT TO:<anyone@elsewhere.example>") == "250 2.1.5 Ok"
        client.command("DATA")
        client.send(message(sender="ceo@bank.example", to="anyone@elsewhere.example") + b".\r\n")
        assert client.reply() == "535 Authorization failed: address ceo@bank.example not authorized"
        client.close()
    assert queued(initialised) == 0


def test_auth_is_impossible_without_tls_on_both_listeners(initialised, tenant, server_factory):
    server = server_factory()
    blob = base64.b64encode(f"\0{tenant.username}\0{tenant.password}".encode()).decode()
    for port in server.smtp_ports:
        client = RawSMTP(port, cafile(initialised))
        client.reply()
        client.send("EHLO c\r\n")
        capabilities = client.read_reply()
        assert any("STARTTLS" in line for line in capabilities)
        assert not any("AUTH" in line for line in capabilities), capabilities
        # Right credentials, every mechanism and form: still no.
        assert client.command(f"AUTH PLAIN {blob}") == "530 5.7.0 Must issue a STARTTLS command first"
        assert client.command("AUTH PLAIN") == "530 5.7.0 Must issue a STARTTLS command first"
        assert client.command("AUTH LOGIN") == "530 5.7.0 Must issue a STARTTLS command first"
        assert client.command(blob).startswith("5")  # not taken as a SASL response
        assert client.command("MAIL FROM:<app@example.com>") == "535 Authentication required"
        client.close()


def handshake(arguments, envoi, version, timeout=30) -> bool:
    result = subprocess.run(["openssl", "s_client", *arguments, version, "-cipher", "DEFAULT:@SECLEVEL=0",
                             "-CAfile", cafile(envoi), "-verify_return_error"],
                            input="QUIT\r\n", capture_output=True, text=True, timeout=timeout)
    return "Verify return code: 0 (ok)" in result.stdout and "Cipher is (NONE)" not in result.stdout


@pytest.mark.parametrize("version,accepted", [("-tls1", False), ("-tls1_1", False), ("-tls1_2", True), ("-tls1_3", True)])
def test_tls_below_1_2_is_refused_on_every_listener(initialised, server_factory, version, accepted):
    server = server_factory()
    for port in server.smtp_ports:
        assert handshake(["-starttls", "smtp", "-connect", f"127.0.0.1:{port}"], initialised, version) == accepted, (port, version)
    assert handshake(["-connect", f"127.0.0.1:{server.https_port}"], initialised, version) == accepted, ("https", version)


def test_data_directory_is_private_whatever_the_umask(envoi, tenant_free_umask):
    envoi.ok("init")
    from conftest import Server, Tenant
    tenant = Tenant(envoi)
    server = Server(envoi)
    try:
        client = RawSMTP(server.port, cafile(envoi)).ready(tenant.username, tenant.password)
        client.command("MAIL FROM:<app@example.com>")
        client.command("RCPT TO:<x@example.org>")
        client.command("DATA")
        client.send(message() + b".\r\n")
        assert client.reply().startswith("250 ")
        client.close()
        envoi.ok("mail", "list")
        # Checked while the server runs, when the WAL and shared-memory files exist too.
        paths = [envoi.data_dir, *envoi.data_dir.rglob("*")]
        assert any(path.name.endswith("-wal") for path in paths)
        wrong = [f"{path.relative_to(envoi.data_dir.parent)} {oct(stat.S_IMODE(path.stat().st_mode))}" for path in paths
                 if stat.S_IMODE(path.stat().st_mode) != (0o700 if path.is_dir() else 0o600)]
        assert wrong == []
        assert len(paths) >= 5
    finally:
        assert server.stop() == 0


@pytest.fixture
def tenant_free_umask():
    """Runs the test with a permissive umask (inherited by Envoi) so that only Envoi's own umask
    and modes can make the data directory private."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)
