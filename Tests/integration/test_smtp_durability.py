"""Durability: a message the client was told `250 … queued as <id>` survives `kill -9`."""
import random
import smtplib
import sqlite3
import ssl
import threading
import time

from smtp_client import message


def queued_ids(envoi):
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        return {row[0] for row in connection.execute("SELECT id FROM message")}
    finally:
        connection.close()


def sender_loop(port, cafile, tenant, accepted, stop, errors):
    """Sends messages on one session after another until stopped; records every id it was given."""
    context = ssl.create_default_context(cafile=cafile)
    sent = 0
    while not stop.is_set() and sent < 2000:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
                client.starttls(context=context)
                client.login(tenant.username, tenant.password)
                while not stop.is_set() and sent < 2000:
                    client.mail("app@example.com")
                    client.rcpt(f"r{sent}@example.org")
                    code, reply = client.data(message())
                    sent += 1
                    if code == 250:
                        accepted.append(reply.decode().rsplit(" ", 1)[1])
        except (smtplib.SMTPException, OSError) as error:
            errors.append(repr(error))
            time.sleep(0.05)


def test_every_message_acknowledged_before_kill_9_is_in_the_queue_after_restart(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--per-minute", "1000000", "--per-day", "100000000")
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    rounds = 3
    accepted_total = []
    for round_number in range(rounds):
        server = server_factory()
        accepted, errors, stop = [], [], threading.Event()
        threads = [threading.Thread(target=sender_loop, args=(server.port, cafile, tenant, accepted, stop, errors)) for _ in range(8)]
        for thread in threads:
            thread.start()
        # Kill at a random moment once messages are flowing (bounded wait).
        deadline = time.monotonic() + 20
        while len(accepted) < 20 and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(random.uniform(0.05, 0.5))
        server.process.kill()
        server.process.wait(timeout=10)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        assert accepted, f"round {round_number}: nothing was accepted ({errors[:3]})"
        accepted_total += accepted
    # One more start proves the database opens cleanly after the kills.
    server = server_factory()
    assert server.stop() == 0
    stored = queued_ids(initialised)
    lost = [queue_id for queue_id in accepted_total if queue_id not in stored]
    assert not lost, f"{len(lost)} of {len(accepted_total)} acknowledged messages lost"
    assert len(set(accepted_total)) == len(accepted_total)
    print(f"{len(accepted_total)} acknowledged messages across {rounds} kill -9 rounds; 0 lost; "
          f"{len(stored) - len(accepted_total)} committed but unacknowledged")


def test_sigterm_lets_the_session_in_data_finish_refuses_new_ones_and_loses_nothing(initialised, tenant, server_factory):
    import signal
    import socket
    from smtp_client import RawSMTP
    initialised.ok("limits", "set", "--per-minute", "1000000", "--per-day", "100000000")
    server = server_factory("smtp.shutdown_grace=15")
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    accepted, errors, stop = [], [], threading.Event()
    loaders = [threading.Thread(target=sender_loop, args=(server.port, cafile, tenant, accepted, stop, errors)) for _ in range(4)]
    for loader in loaders:
        loader.start()
    in_data = RawSMTP(server.port, cafile).ready(tenant.username, tenant.password)
    assert in_data.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    assert in_data.command("RCPT TO:<late@example.org>") == "250 2.1.5 Ok"
    assert in_data.command("DATA").startswith("354")
    whole = message(to="late@example.org")
    in_data.send(whole[:40])
    deadline = time.monotonic() + 20
    while len(accepted) < 20 and time.monotonic() < deadline:
        time.sleep(0.02)
    server.process.send_signal(signal.SIGTERM)
    time.sleep(1.0)
    # The listeners are closed: a new client is not served.
    try:
        refused = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        refused.settimeout(5)
        greeting = refused.recv(100)
        refused.close()
        assert not greeting.startswith(b"220"), greeting
    except OSError:
        pass
    # The session that was inside DATA finishes its message, then is told the server is going.
    in_data.send(whole[40:] + b".\r\n")
    reply = in_data.reply()
    assert reply.startswith("250 2.0.0 Ok: queued as "), reply
    assert in_data.reply() == "421 4.3.2 Service shutting down, closing transmission channel"
    assert server.process.wait(timeout=30) == 0
    stop.set()
    for loader in loaders:
        loader.join(timeout=30)
    stored = queued_ids(initialised)
    told = accepted + [reply.rsplit(" ", 1)[1]]
    assert len(accepted) >= 20
    assert [queue_id for queue_id in told if queue_id not in stored] == []


def test_a_full_disk_gets_452_writes_nothing_and_service_resumes_when_space_returns(tmp_path):
    from conftest import Envoi, Server, Tenant
    from smtp_client import RawSMTP
    import subprocess
    mountpoint = tmp_path / "small-disk"
    mountpoint.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mountpoint)], check=True)
    server = None
    try:
        envoi = Envoi(mountpoint / "data")
        envoi.ok("init")
        tenant = Tenant(envoi)
        server = Server(envoi, listeners=1)
        cafile = str(envoi.data_dir / "tls" / "certificate.pem")
        filler = mountpoint / "filler"
        with open(filler, "wb") as stream:
            try:
                for _ in range(1000):
                    stream.write(b"\0" * 65536)
                    stream.flush()
            except OSError:
                pass
        client = RawSMTP(server.port, cafile).ready(tenant.username, tenant.password)
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        assert client.command("RCPT TO:<r@example.org>") == "250 2.1.5 Ok"
        assert client.command("DATA").startswith("354")
        client.send(message(body="\r\n".join(["x" * 900] * 30)) + b".\r\n")
        assert client.reply() == "452 System storage error"
        filler.unlink()
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        assert client.command("RCPT TO:<r2@example.org>") == "250 2.1.5 Ok"
        assert client.command("DATA").startswith("354")
        client.send(message(to="r2@example.org") + b".\r\n")
        assert client.reply().startswith("250 2.0.0 Ok: queued as ")
        assert server.stop() == 0
        server = None
        connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
        recipients = [row[0] for row in connection.execute("SELECT recipient FROM queue_entry")]
        messages = connection.execute("SELECT COUNT(*) FROM message").fetchone()[0]
        connection.close()
        assert recipients == ["r2@example.org"] and messages == 1
    finally:
        if server is not None:
            server.stop()
        subprocess.run(["umount", "-l", str(mountpoint)], check=False)
