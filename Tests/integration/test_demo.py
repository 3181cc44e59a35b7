"""`envoi demo`: the seeded data directory, traffic through the real SMTP listener (254s and
455s included), headless and under the console in tmux. Every wait is bounded."""
import re
import shlex
import sqlite3
import subprocess

from conftest import ENVOI, Envoi
from test_console import Tmux, tmux  # noqa: F401 (the fixture)


def run_headless(data_dir, *flags, timeout=240):
    args = [ENVOI, "demo", "--headless", "--data-dir", str(data_dir), "--duration", "8", *flags]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=Envoi(data_dir).env)


def count(database, sql):
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchone()[0]
    finally:
        connection.close()


def test_headless_demo_seeds_the_tenancy_and_sends_through_smtp_with_suppressions_and_refusals(tmp_path):
    data = tmp_path / "demo"
    result = run_headless(data, "--rate", "10", "--per-minute", "120")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert f"envoi demo: data directory {data}" in out
    assert re.search(r"^smtp listening on 127\.0\.0\.1:\d+$", out, re.M), out
    assert re.search(r"^https listening on 127\.0\.0\.1:\d+$", out, re.M), out
    summary = re.search(r"^demo traffic: (\d+) messages, recipients (.*), (\d+) to suppressed addresses \(254\)", out, re.M)
    assert summary, out
    replies = dict(item.split("=") for item in summary.group(2).split())
    assert int(replies.get("250", 0)) >= 20, out
    assert int(replies.get("455", 0)) >= 1, out
    assert int(summary.group(3)) >= 1, out
    # The password and the API key never reach the output.
    envoi = Envoi(data)
    username = envoi.json("credential", "list")[0]["username"]
    assert "password" not in out.lower() and "PRIVATE KEY" not in out + result.stderr
    assert username not in out

    # The control plane, read back through the CLI.
    domain = envoi.json("domain", "list")
    assert [d["name"] for d in domain] == ["demo.example"]
    states = sorted(k["lifecycleState"] for k in envoi.json("dkim", "list", "--domain-id", domain[0]["id"]))
    assert states == ["ACTIVE", "NEEDS_ATTENTION"]
    senders = {s["emailAddress"] for s in envoi.json("sender", "list")}
    assert {"news@demo.example", "billing@demo.example", "alerts@demo.example"} <= senders
    assert {c["name"] for c in envoi.json("compartment", "list")} >= {"transactional", "marketing"}
    assert len(envoi.json("apikey", "list")) == 1
    assert envoi.json("limits", "get")["messagesPerMinute"] == 120
    database = data / "envoi.sqlite"
    assert count(database, "SELECT COUNT(*) FROM suppression") >= 1000
    reasons = {row for row in sqlite3.connect(f"file:{database}?mode=ro", uri=True).execute(
        "SELECT DISTINCT reason FROM suppression")}
    assert {r[0] for r in reasons} >= {"HARDBOUNCE", "COMPLAINT", "SOFTBOUNCE", "MANUAL", "UNSUBSCRIBE"}

    # The traffic went through SMTP into the event log: accepted, suppressed (254), kept in the
    # capture mailbox signed with the ACTIVE key.
    accepted = envoi.json("events", "list", "--type", "accepted", "--limit", "10000")
    assert len(accepted) >= 20
    assert envoi.json("events", "list", "--type", "suppressed", "--limit", "10")
    # The newsletter hit the per-minute limit: exactly the limit was accepted in the burst minute.
    assert count(database, "SELECT COUNT(*) FROM mailbox WHERE dkim_selector = 'demo-2026'") >= 1
    stats = envoi.json("stats")
    assert stats["minuteUsage"] <= 120


def test_demo_refuses_a_directory_that_already_has_data(tmp_path):
    data = tmp_path / "data"
    Envoi(data).ok("init")
    result = run_headless(data)
    assert result.returncode == 1
    assert "already has one" in result.stderr


def test_demo_under_the_console_moves_the_overview_and_quits_with_q(tmux, tmp_path):  # noqa: F811
    data = tmp_path / "demo"
    status_file = tmp_path / "status"
    line = " ".join(shlex.quote(a) for a in [ENVOI, "demo", "--data-dir", str(data), "--rate", "5", "--duration", "120"])
    tmux.start(f"env -u NO_COLOR -u ENVOI_DATA_DIR LANG=C.UTF-8 {line}; status=$?; echo \"demo exited with $status\"; "
               f"echo $status > {shlex.quote(str(status_file))}; sleep 300")
    first = tmux.wait_for(r"Accepted\s+[1-9]\d*", timeout=120)
    before = int(re.search(r"Accepted\s+(\d+)", first).group(1))
    tmux.wait_for(r"Rejected\s+[1-9]", timeout=30)
    later = tmux.wait_for(rf"Accepted\s+(?!{before}\b)\d+", timeout=30)
    assert int(re.search(r"Accepted\s+(\d+)", later).group(1)) > before
    tmux.keys("5")
    tmux.wait_for(r"Suppressions  ·  prefix: any")
    tmux.keys("q")
    tmux.wait_for(r"demo exited with 0", timeout=60)
    assert status_file.read_text().strip() == "0"
    assert "demo traffic:" in (data / "console.log").read_text()
