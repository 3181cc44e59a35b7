"""SMTP submission over real sockets against the built `envoi serve`: each BEHAVIOUR.md §1 row,
driven by Python's smtplib or a raw client that checks the full reply line."""
import smtplib
import sqlite3
import ssl
import subprocess
import time

import pytest

from smtp_client import RawSMTP, message


def cafile(envoi):
    return str(envoi.data_dir / "tls" / "certificate.pem")


def queue(envoi):
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        messages = connection.execute("SELECT id, message_id, envelope_sender, body FROM message").fetchall()
        entries = connection.execute("SELECT queue_id, recipient, state FROM queue_entry ORDER BY recipient").fetchall()
        events = connection.execute("SELECT type, recipient, error_type FROM event ORDER BY id").fetchall()
        return messages, entries, events
    finally:
        connection.close()


def session(server, envoi, tenant, source="127.0.0.1"):
    return RawSMTP(server.port, cafile(envoi), source=source).ready(tenant.username, tenant.password)


def test_smtplib_sends_over_starttls_with_auth_and_the_message_is_queued(initialised, tenant, server_factory):
    server = server_factory()
    for port in server.smtp_ports:
        with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
            client.ehlo("client.example")
            assert client.has_extn("starttls") and not client.has_extn("auth")
            client.starttls(context=ssl.create_default_context(cafile=cafile(initialised)))
            client.ehlo("client.example")
            assert "PLAIN" in client.esmtp_features["auth"] and "LOGIN" in client.esmtp_features["auth"]
            for feature in ("size", "8bitmime", "pipelining", "enhancedstatuscodes", "smtputf8"):
                assert client.has_extn(feature), feature
            assert int(client.esmtp_features["size"]) == 10485760
            client.login(tenant.username, tenant.password)
            client.mail("app@example.com")
            client.rcpt("one@example.org")
            client.rcpt("two@example.org")
            code, reply = client.data(message(to="one@example.org, two@example.org"))
            assert code == 250 and reply.decode().startswith("2.0.0 Ok: queued as ocid1.emailmessage.envoi..")
    messages, entries, events = queue(initialised)
    assert len(messages) == 2 and all(m[2] == "app@example.com" for m in messages)
    assert sorted(e[1] for e in entries) == ["one@example.org"] * 2 + ["two@example.org"] * 2
    # Delivery (capture mode by default) may already have taken them.
    assert all(e[2] in ("QUEUED", "DELIVERED") for e in entries)
    # A submission server adds the Message-ID and Date the client left out (RFC 6409 §8).
    deadline = time.monotonic() + 30
    while len(initialised.json("mail", "list")) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    kept = initialised.ok("mail", "raw", str(initialised.json("mail", "list")[0]["id"])).stdout
    assert kept.startswith("Message-ID: <") and "\nDate: " in kept
    assert messages[0][1].endswith("@example.com")
    assert [e[0] for e in events].count("accepted") == 4


def test_smtplib_auth_login_works_too(initialised, tenant, server_factory):
    server = server_factory()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.starttls(context=ssl.create_default_context(cafile=cafile(initialised)))
        client.ehlo()
        client.user, client.password = tenant.username, tenant.password
        code, _ = client.auth("LOGIN", client.auth_login)
        assert code == 235
        client.sendmail("app@example.com", ["x@example.org"], message(to="x@example.org"))


def test_auth_before_starttls_is_refused(initialised, tenant, server_factory):
    client = RawSMTP(server_factory().port, cafile(initialised))
    assert client.reply().startswith("220 ")
    ehlo = client.command("EHLO c") and client  # noqa
    assert client.command("AUTH PLAIN AGFwcABzZWNyZXQ=") == "530 5.7.0 Must issue a STARTTLS command first"


def test_mail_before_auth_is_refused(initialised, tenant, server_factory):
    client = RawSMTP(server_factory().port, cafile(initialised))
    client.reply()
    client.command("EHLO c")
    client.starttls()
    client.command("EHLO c")
    assert client.command("MAIL FROM:<app@example.com>") == "535 Authentication required"


def test_wrong_credentials(initialised, tenant, server_factory):
    client = RawSMTP(server_factory().port, cafile(initialised))
    client.reply()
    client.command("EHLO c")
    client.starttls()
    client.command("EHLO c")
    assert client.login(tenant.username, "wrong") == "535 Authentication credentials invalid"


@pytest.mark.parametrize("argument,reply", [
    ("AUTH PLAIN not*base64", "501 Invalid command argument, not a valid Base64 string"),
    ("AUTH PLAIN aGVsbG8=", "501 Invalid command argument, does not contain NUL"),
    ("AUTH PLAIN AGhlbGxv", "501 Invalid command argument, does not contain the second NUL"),
    ("AUTH CRAM-MD5", "504 Method not supported"),
    ("AUTH XOAUTH2 abc", "504 Method not supported"),
    ("AUTH", "504 AUTH mechanism mismatch"),
    ("AUTH PLAIN a b", "504 AUTH mechanism mismatch"),
])
def test_auth_errors(initialised, tenant, server_factory, argument, reply):
    client = RawSMTP(server_factory().port, cafile(initialised))
    client.reply()
    client.command("EHLO c")
    client.starttls()
    client.command("EHLO c")
    assert client.command(argument) == reply


def test_auth_again_after_success_is_a_mismatch(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    assert client.login(tenant.username, tenant.password) == "504 AUTH mechanism mismatch"


def test_unapproved_envelope_sender(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    assert client.command("MAIL FROM:<stranger@example.net>") == "535 Authorization failed: address stranger@example.net not authorized"


def test_unapproved_header_from_and_each_of_several(initialised, tenant, server_factory):
    server = server_factory()
    for header_from, refused in [("other@example.net", "other@example.net"),
                                 ("app@example.com, boss@example.net", "boss@example.net")]:
        client = session(server, initialised, tenant)
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        assert client.command("RCPT TO:<r@example.org>") == "250 2.1.5 Ok"
        assert client.command("DATA").startswith("354")
        client.send(message(sender=header_from) + b".\r\n")
        assert client.reply() == f"535 Authorization failed: address {refused} not authorized"
    assert queue(initialised)[0] == []


def test_suppressed_recipient_gets_254_and_is_never_queued(initialised, tenant, server_factory):
    initialised.ok("suppression", "add", "--email", "Gone@Example.org", "--reason", "HARDBOUNCE")
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    assert client.command("RCPT TO:<gone@example.org>") == f"254 4.7.1 Suppression for user {tenant.user['id']} to gone@example.org"
    assert client.command("RCPT TO:<kept@example.org>") == "250 2.1.5 Ok"
    assert client.command("DATA").startswith("354")
    client.send(message() + b".\r\n")
    assert client.reply().startswith("250 2.0.0 Ok: queued as ")
    _, entries, events = queue(initialised)
    assert [e[1] for e in entries] == ["kept@example.org"]
    assert ("suppressed", "gone@example.org", "Recipient suppressed") in events


def test_a_message_to_suppressed_recipients_only_is_accepted_and_queues_nothing(initialised, tenant, server_factory):
    initialised.ok("suppression", "add", "--email", "gone@example.org")
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    assert client.command("RCPT TO:<gone@example.org>").startswith("254 4.7.1")
    assert client.command("DATA").startswith("354")
    client.send(message() + b".\r\n")
    assert client.reply().startswith("250 2.0.0 Ok: queued as ")
    assert queue(initialised)[1] == []


def test_per_minute_limit_at_rcpt_and_mail(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--per-minute", "2")
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    assert client.command("RCPT TO:<a@example.org>") == "250 2.1.5 Ok"
    assert client.command("RCPT TO:<b@example.org>") == "250 2.1.5 Ok"
    assert client.command("RCPT TO:<c@example.org>") == "455 Maximum messages sent per minute reached : limit is 2"
    client.command("DATA")
    client.send(message() + b".\r\n")
    assert client.reply().startswith("250 2.0.0")
    assert client.command("MAIL FROM:<app@example.com>") == "455 Maximum messages sent per minute reached : limit is 2"


def test_per_day_limit(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--per-minute", "100", "--per-day", "5")
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    for i in range(5):
        assert client.command(f"RCPT TO:<r{i}@example.org>") == "250 2.1.5 Ok"
    assert client.command("RCPT TO:<r5@example.org>") == "455 Maximum messages sent per day reached : limit is 5"
    client.command("DATA")
    client.send(message() + b".\r\n")
    assert client.reply().startswith("250 2.0.0")
    assert client.command("MAIL FROM:<app@example.com>") == "455 Maximum messages sent per day reached : limit is 5"


def test_need_rcpt(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    assert client.command("DATA") == "503 Need RCPT command"


def test_size_limit_announced_and_enforced(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--max-message-size", "2048")
    client = session(server_factory(), initialised, tenant)
    assert client.command("MAIL FROM:<app@example.com> SIZE=4096") == "552 Exceeds byte limit"
    assert client.command("MAIL FROM:<app@example.com> SIZE=1000") == "250 2.1.0 Ok"
    client.command("RCPT TO:<r@example.org>")
    client.command("DATA")
    client.send(message(body="x" * 900 + "\r\n" + "y" * 900 + "\r\n" + "z" * 900) + b".\r\n")
    assert client.reply() == "552 Exceeds byte limit"
    assert client.command("NOOP").startswith("250")


def test_invalid_addresses(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    assert client.command("MAIL FROM:<not an address>") == "553 not an address Invalid email address"
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    assert client.command("RCPT TO:<bad@@example.org>") == "553 bad@@example.org Invalid email address"


def test_no_header_section_is_a_parse_error(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    client.command("RCPT TO:<r@example.org>")
    client.command("DATA")
    client.send(b"\r\njust a body\r\n.\r\n")
    assert client.reply() == "554 Message parse error"


def test_bare_lf_in_data_is_rejected_and_nothing_inside_is_executed(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    client.command("RCPT TO:<r@example.org>")
    client.command("DATA")
    client.send(message() + b"\n.\nMAIL FROM:<app@example.com>\r\nRCPT TO:<smuggled@example.org>\r\n.\r\n")
    assert client.reply() == "554 5.6.0 Message contains bare CR or LF characters"
    assert queue(initialised)[0] == []


def test_long_command_line(initialised, tenant, server_factory):
    client = session(server_factory(), initialised, tenant)
    assert client.command("NOOP " + "x" * 600) == "500 5.5.2 Line too long"


def test_idle_client_is_timed_out(initialised, tenant, server_factory):
    client = RawSMTP(server_factory("smtp.command_timeout=1").port, cafile(initialised))
    assert client.reply().startswith("220 ")
    assert client.reply() == "421 Timeout waiting for data from client"
    assert client.closed()


def test_connection_limit_per_address_spares_other_addresses(initialised, tenant, server_factory):
    server = server_factory("smtp.max_connections_per_ip=2")
    held = [RawSMTP(server.port, cafile(initialised), source="127.0.0.2") for _ in range(2)]
    for client in held:
        assert client.reply().startswith("220 ")
    refused = RawSMTP(server.port, cafile(initialised), source="127.0.0.2")
    assert refused.reply() == "421 Too many connections, try again later"
    assert refused.closed()
    other = RawSMTP(server.port, cafile(initialised), source="127.0.0.3")
    assert other.reply().startswith("220 ")


def test_auth_failure_throttle_per_address(initialised, tenant, server_factory):
    server = server_factory("smtp.auth_failure_limit=2")
    client = RawSMTP(server.port, cafile(initialised), source="127.0.0.4")
    client.reply()
    client.command("EHLO c")
    client.starttls()
    client.command("EHLO c")
    assert client.login(tenant.username, "bad1") == "535 Authentication credentials invalid"
    assert client.login(tenant.username, "bad2") == "535 Authentication credentials invalid"
    assert client.login(tenant.username, tenant.password) == "421 Too many auth failures, try again later"
    assert client.closed()
    again = RawSMTP(server.port, cafile(initialised), source="127.0.0.4")
    assert again.reply() == "421 Too many auth failures, try again later"
    other = session(server, initialised, tenant, source="127.0.0.5")
    assert other.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"


def test_unapproved_senders_count_toward_the_throttle(initialised, tenant, server_factory):
    server = server_factory("smtp.auth_failure_limit=2")
    client = session(server, initialised, tenant, source="127.0.0.6")
    assert client.command("MAIL FROM:<x@example.net>").startswith("535 Authorization failed")
    assert client.command("MAIL FROM:<y@example.net>").startswith("535 Authorization failed")
    assert client.command("MAIL FROM:<app@example.com>") == "421 Too many auth failures, try again later"


# The three failure replies below come from faults a healthy store never produces on demand, so
# the debug build (the one the suite runs) takes them from ENVOI_TEST_FAULTS; release builds
# compile no such hook.
def faulty_server(envoi, server_factory, fault):
    envoi.env["ENVOI_TEST_FAULTS"] = fault
    try:
        return server_factory()
    finally:
        del envoi.env["ENVOI_TEST_FAULTS"]


def test_credentials_unreadable_is_421_4_4_0_and_not_an_auth_failure(initialised, tenant, server_factory):
    server = faulty_server(initialised, server_factory, "credentials")
    client = RawSMTP(server.port, cafile(initialised), source="127.0.0.7")
    client.reply()
    client.command("EHLO c")
    client.starttls()
    client.command("EHLO c")
    assert client.login(tenant.username, tenant.password) == \
        "421 4.4.0 Problem attempting to execute commands. Please try again later"
    assert client.closed()
    # The store's failure is not the client's: the address is not throttled for it.
    again = RawSMTP(server.port, cafile(initialised), source="127.0.0.7")
    assert again.reply().startswith("220 ")


def test_suppression_lookup_failure_is_451_and_the_session_goes_on(initialised, tenant, server_factory):
    client = session(faulty_server(initialised, server_factory, "suppressions"), initialised, tenant)
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    assert client.command("RCPT TO:<r@example.org>") == "451 Server error"
    assert client.command("NOOP").startswith("250")
    assert client.command("DATA") == "503 Need RCPT command"
    assert queue(initialised)[0] == []


def test_stopped_queue_writer_is_421_4_3_0_and_close(initialised, tenant, server_factory):
    client = session(faulty_server(initialised, server_factory, "queue-writer"), initialised, tenant)
    client.command("MAIL FROM:<app@example.com>")
    client.command("RCPT TO:<r@example.org>")
    assert client.command("DATA").startswith("354")
    client.send(message() + b".\r\n")
    assert client.reply() == "421 4.3.0 Mail system failure, closing transmission channel"
    assert client.closed()
    assert queue(initialised)[0] == []


@pytest.mark.parametrize("version,accepted", [("-tls1_1", False), ("-tls1", False), ("-tls1_2", True), ("-tls1_3", True)])
def test_tls_versions(initialised, tenant, server_factory, version, accepted):
    server = server_factory()
    result = subprocess.run(
        ["openssl", "s_client", "-starttls", "smtp", "-connect", f"127.0.0.1:{server.port}", version,
         "-cipher", "DEFAULT:@SECLEVEL=0", "-CAfile", cafile(initialised), "-verify_return_error"],
        input="QUIT\r\n", capture_output=True, text=True, timeout=30)
    handshake = "Verify return code: 0 (ok)" in result.stdout and "Cipher is (NONE)" not in result.stdout
    assert handshake == accepted, result.stdout[-500:] + result.stderr[-500:]


def test_sigterm_stops_the_server_cleanly(initialised, tenant, server_factory):
    server = server_factory()
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.starttls(context=ssl.create_default_context(cafile=cafile(initialised)))
        client.login(tenant.username, tenant.password)
        client.sendmail("app@example.com", ["r@example.org"], message())
    assert server.stop() == 0
    assert len(queue(initialised)[0]) == 1


def test_swaks_sends_with_starttls_and_auth(initialised, tenant, server_factory):
    server = server_factory()
    result = subprocess.run(
        ["swaks", "--server", f"127.0.0.1:{server.port}", "--tls", "--tls-ca-path", cafile(initialised), "--tls-verify",
         "--auth", "PLAIN", "--auth-user", tenant.username, "--auth-password", tenant.password, "--auth-hide-password",
         "--from", "app@example.com", "--to", "swaks@example.org", "--h-From", "app@example.com", "--timeout", "20"],
        capture_output=True, text=True, timeout=60)
    assert tenant.password not in result.stdout + result.stderr
    assert result.returncode == 0, result.stdout[-2000:]
    assert "<~  250 2.0.0 Ok: queued as ocid1.emailmessage.envoi.." in result.stdout
    assert "<~  235 2.7.0 Authentication successful" in result.stdout
    assert [e[1] for e in queue(initialised)[1]] == ["swaks@example.org"]
