"""Asynchronous bounces and complaints end to end: mail leaves through a relay (aiosmtpd) with
a per-recipient VERP envelope sender; a DSN (RFC 3464) or an ARF report (RFC 5965) sent back to
that return path over SMTP without AUTH suppresses exactly that recipient; everything else sent
without AUTH is refused as before, and forged return paths suppress nobody."""
import re
import smtplib

import pytest

from smtp_client import RawSMTP
from test_delivery import rows, sink, submit, wait_for  # noqa: F401 (sink is a fixture)

DOMAIN = "bounces.envoi.test"
VERP = re.compile(r"^bounces\+[a-z2-7]{32}-[a-z2-7]{16}@bounces\.envoi\.test$")


def dsn(return_path, final_recipient, status="5.1.1", action="failed",
        diagnostic="550 5.1.1 <{r}>: Recipient address rejected: User unknown"):
    diagnostic = diagnostic.format(r=final_recipient)
    return (f"From: MAILER-DAEMON@mx.example.org (Mail Delivery System)\r\n"
            f"To: {return_path}\r\nSubject: Undelivered Mail Returned to Sender\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"B1\"\r\n\r\n"
            f"--B1\r\nContent-Type: text/plain\r\n\r\nYour message could not be delivered.\r\n"
            f"--B1\r\nContent-Type: message/delivery-status\r\n\r\n"
            f"Reporting-MTA: dns; mx.example.org\r\n\r\n"
            f"Final-Recipient: rfc822; {final_recipient}\r\nAction: {action}\r\nStatus: {status}\r\n"
            f"Remote-MTA: dns; mail.example.org\r\nDiagnostic-Code: smtp; {diagnostic}\r\n\r\n"
            f"--B1--\r\n").encode()


def arf(return_path):
    return (f"From: <fbl@isp.example>\r\nTo: {return_path}\r\nSubject: Abuse report\r\nMIME-Version: 1.0\r\n"
            f"Content-Type: multipart/report; report-type=feedback-report; boundary=\"B2\"\r\n\r\n"
            f"--B2\r\nContent-Type: text/plain\r\n\r\nThis is an email abuse report.\r\n"
            f"--B2\r\nContent-Type: message/feedback-report\r\n\r\n"
            f"Feedback-Type: abuse\r\nUser-Agent: ISP-FBL/1.0\r\nVersion: 1\r\nReporting-MTA: dns; fbl.isp.example\r\n\r\n"
            f"--B2\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: app@example.com\r\nSubject: Hello\r\n\r\n"
            f"--B2--\r\n").encode()


def report(server, return_path, content, sender=""):
    """Sends a report as a bouncing MTA does: plain SMTP, no TLS, no AUTH, MAIL FROM:<>."""
    with smtplib.SMTP("127.0.0.1", server.port, timeout=10) as client:
        client.ehlo("mx.example.org")
        return client.sendmail(sender, [return_path], content)


@pytest.fixture
def sent(initialised, tenant, server_factory, sink):  # noqa: F811
    """Two recipients relayed to the sink with VERP; returns (server, queue id, {recipient: return path})."""
    server = server_factory("delivery.mode=relay", f"delivery.relay_host=127.0.0.1:{sink.port}", "delivery.relay_tls=none",
                            f"delivery.return_path_domain={DOMAIN}")
    queue_id = submit(server, initialised, tenant, ["alice@example.org", "bob@example.org"])
    assert wait_for(lambda: len(sink.received) == 2, timeout=30), "the relay did not receive both copies"
    senders = {recipients[0]: mail_from for mail_from, recipients, _ in sink.received}
    assert sorted(senders) == ["alice@example.org", "bob@example.org"]
    assert all(VERP.match(s) for s in senders.values()) and len(set(senders.values())) == 2, senders
    # Only the envelope changes: the header From is the sender's.
    assert all(b"From: app@example.com" in content for _, _, content in sink.received)
    return server, queue_id, senders


def suppression(envoi, address):
    items = envoi.json("suppression", "list", "--prefix", address)["items"]
    return envoi.json("suppression", "get", items[0]["id"]) if items else None


def test_a_dsn_to_the_return_path_hard_bounces_that_recipient(initialised, sent):
    server, queue_id, senders = sent
    assert report(server, senders["alice@example.org"], dsn(senders["alice@example.org"], "alice@example.org")) == {}
    detail = suppression(initialised, "alice@example.org")
    assert detail["reason"] == "HARDBOUNCE"
    assert detail["errorDetail"] == "550 5.1.1 <alice@example.org>: Recipient address rejected: User unknown"
    assert detail["errorSource"] == "mx.example.org"
    assert detail["messageId"] == rows(initialised, "SELECT message_id FROM message WHERE id = ?", queue_id)[0][0]
    events = initialised.json("events", "list", "--recipient", "alice@example.org", "--type", "bounced")
    assert len(events) == 1 and events[0]["status"] == detail["errorDetail"]
    assert suppression(initialised, "bob@example.org") is None


def test_an_arf_abuse_report_is_a_complaint(initialised, sent):
    server, queue_id, senders = sent
    assert report(server, senders["bob@example.org"], arf(senders["bob@example.org"]), sender="fbl@isp.example") == {}
    detail = suppression(initialised, "bob@example.org")
    assert detail["reason"] == "COMPLAINT" and detail["errorDetail"] == "Feedback-Type: abuse"
    assert detail["errorSource"] == "fbl.isp.example"
    events = initialised.json("events", "list", "--message-id", queue_id, "--type", "complaint")
    assert [e["recipient"] for e in events] == ["bob@example.org"]
    assert suppression(initialised, "alice@example.org") is None


def test_without_auth_only_valid_return_paths_are_accepted(initialised, sent):
    server, _, senders = sent
    alice = senders["alice@example.org"]
    local = alice.split("@")[0]
    forged = local[:-1] + ("a" if local[-1] != "a" else "b") + "@" + DOMAIN  # one character of the tag changed
    client = RawSMTP(server.port, str(initialised.data_dir / "tls" / "certificate.pem"))
    try:
        assert client.reply().startswith("220 ")
        client.send("EHLO mx.example.org\r\n")
        client.read_reply()
        assert client.command("MAIL FROM:<>") == "250 2.1.0 Ok"
        # Never an open relay: any other domain still needs AUTH, exactly as before.
        assert client.command("RCPT TO:<victim@example.org>") == "535 Authentication required"
        assert client.command(f"RCPT TO:<bounces+x@sub.{DOMAIN}>") == "535 Authentication required"
        assert client.command(f"RCPT TO:<{forged}>") == "550 5.1.1 Unknown return path"
        assert client.command(f"RCPT TO:<postmaster@{DOMAIN}>") == "550 5.1.1 Unknown return path"
        assert client.command("DATA") == "535 Authentication required"
        assert client.command("QUIT").startswith("221")
    finally:
        client.close()
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        report(server, forged, dsn(forged, "alice@example.org"))
    # A valid return path suppresses its own recipient, whatever the report claims.
    assert report(server, alice, dsn(alice, "bob@example.org")) == {}
    assert suppression(initialised, "bob@example.org") is None
    assert suppression(initialised, "alice@example.org")["reason"] == "HARDBOUNCE"
    assert len(initialised.json("suppression", "list")["items"]) == 1


def test_delay_notices_are_accepted_and_change_nothing(initialised, sent):
    server, _, senders = sent
    bob = senders["bob@example.org"]
    assert report(server, bob, dsn(bob, "bob@example.org", status="4.4.1", action="delayed", diagnostic="421 try later")) == {}
    assert initialised.json("suppression", "list")["items"] == []
    assert initialised.json("events", "list", "--type", "bounced") == []


def test_without_a_return_path_domain_unauthenticated_mail_is_refused_and_senders_are_kept(initialised, tenant, server_factory):
    server = server_factory()
    client = RawSMTP(server.port, str(initialised.data_dir / "tls" / "certificate.pem"))
    try:
        assert client.reply().startswith("220 ")
        client.send("EHLO mx.example.org\r\n")
        client.read_reply()
        assert client.command("MAIL FROM:<>") == "535 Authentication required"
        assert client.command(f"RCPT TO:<bounces+x-y@{DOMAIN}>") == "535 Authentication required"
    finally:
        client.close()
    submit(server, initialised, tenant, ["carol@example.org"])
    kept = wait_for(lambda: initialised.json("mail", "list"))
    assert kept[0]["envelopeSender"] == "app@example.com"
