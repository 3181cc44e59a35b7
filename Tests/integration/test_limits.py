"""Send limits mean what they say under concurrency, and the live numbers agree with the database."""
import json
import sqlite3
import threading
import time
import urllib.request

from smtp_client import RawSMTP, message

LIMIT = 37


def accepted_in_database(envoi):
    connection = sqlite3.connect(f"file:{envoi.database}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT COUNT(*) FROM queue_entry").fetchone()[0]
    finally:
        connection.close()


def metric(port, name):
    """{labels: value} of one metric, from a real scrape of /metrics."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        values = {}
        for line in response.read().decode().splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                series, value = line.rsplit(" ", 1)
                values[series[len(name):]] = float(value)
        return values


def session_worker(server, cafile, tenant, outcomes, index):
    """One session that keeps sending one-recipient messages until the limit refuses it."""
    client = RawSMTP(server.port, cafile).ready(tenant.username, tenant.password)
    try:
        for attempt in range(5):
            reply = client.command("MAIL FROM:<app@example.com>")
            if not reply.startswith("250"):
                outcomes.append(reply)
                return
            reply = client.command(f"RCPT TO:<s{index}-{attempt}@example.org>")
            if not reply.startswith("250"):
                outcomes.append(reply)
                client.command("RSET")
                continue
            client.command("DATA")
            client.send(message() + b".\r\n")
            outcomes.append(client.reply())
    finally:
        client.close()


def test_exactly_the_limit_is_accepted_by_50_concurrent_sessions_and_the_numbers_agree(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--per-minute", str(LIMIT), "--per-day", "100000")
    server = server_factory("metrics.listen=127.0.0.1:0")
    metrics_port = server.ports["metrics"]
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    outcomes = []
    threads = [threading.Thread(target=session_worker, args=(server, cafile, tenant, outcomes, i)) for i in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    queued = [o for o in outcomes if o.startswith("250 2.0.0 Ok: queued as")]
    refused = [o for o in outcomes if o.startswith("455 ")]
    assert len(queued) == LIMIT, outcomes
    assert set(refused) == {f"455 Maximum messages sent per minute reached : limit is {LIMIT}"}
    assert len(queued) + len(refused) == len(outcomes)
    assert accepted_in_database(initialised) == LIMIT
    assert metric(metrics_port, "envoi_recipients_accepted_total") == {"": LIMIT}
    assert metric(metrics_port, "envoi_limit_usage") == {'{window="minute"}': LIMIT, '{window="day"}': LIMIT}
    assert metric(metrics_port, "envoi_limit") == {'{window="minute"}': LIMIT, '{window="day"}': 100000}
    assert sum(metric(metrics_port, "envoi_rejected_total").values()) == len(refused)
    connections = metric(metrics_port, "envoi_open_connections")
    assert set(connections) == {f'{{listener="127.0.0.1:{port}"}}' for port in server.smtp_ports}
    stats = initialised.json("stats")
    assert stats["minuteUsage"] == LIMIT and stats["dayUsage"] == LIMIT
    assert stats["totals"]["events_last_day_accepted"] == LIMIT
    assert stats["perMinuteHistory"][-1] + stats["perMinuteHistory"][-2] == LIMIT
    assert stats["secondsToMinuteLimit"] == 0


def test_stats_watch_prints_one_line_per_refresh(initialised):
    result = initialised.ok("stats", "--watch", "--interval", "0.2", "--count", "3")
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(" minute 0/1000 day 0/100000 rate 0.0/s minute-limit-in - day-limit-in - queue 0" in line for line in lines)


def test_limits_set_takes_effect_without_a_restart(initialised, tenant, server_factory):
    server = server_factory()
    cafile = str(initialised.data_dir / "tls" / "certificate.pem")
    client = RawSMTP(server.port, cafile).ready(tenant.username, tenant.password)
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    client.command("RSET")
    initialised.ok("limits", "set", "--per-minute", "1", "--per-day", "1")
    time.sleep(1.5)  # the server reloads the limits every second
    assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
    assert client.command("RCPT TO:<a@example.org>") == "250 2.1.5 Ok"
    assert client.command("RCPT TO:<b@example.org>") == "455 Maximum messages sent per minute reached : limit is 1"


def test_limits_enforce_false_counts_usage_but_refuses_nothing(initialised, tenant, server_factory):
    initialised.ok("limits", "set", "--per-minute", "1", "--per-day", "1")
    server = server_factory("limits.enforce=false")
    client = RawSMTP(server.port, str(initialised.data_dir / "tls" / "certificate.pem")).ready(tenant.username, tenant.password)
    for attempt in range(2):
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        assert client.command(f"RCPT TO:<a{attempt}@example.org>") == "250 2.1.5 Ok"
        assert client.command(f"RCPT TO:<b{attempt}@example.org>") == "250 2.1.5 Ok"
        client.command("DATA")
        client.send(message() + b".\r\n")
        assert client.reply().startswith("250 2.0.0 Ok: queued as ")
    assert initialised.json("stats")["minuteUsage"] == 4
