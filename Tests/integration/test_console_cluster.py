"""`envoi console` on a shared PostgreSQL database (`database`): node b's console lists what node a
(its HTTPS API, its SMTP intake, its deliveries) changed, its limit gauge shows the cluster's usage
while its own counters stay its own, and what the console changes is what node a's API reads.
Every wait is bounded."""
import shlex

import oci

from conftest import ENVOI, psql
from test_cluster import Cluster, send_body, smtp_session
from test_console import WIDTH, HEIGHT, Tmux, wait_for_log

import pytest


@pytest.fixture
def tmux(tmp_path):
    server = Tmux(tmp_path)
    yield server
    server.kill()


def cluster_console_command(cluster, name, status_file):
    """The shell line tmux runs: node `name`'s console on the cluster's database, then its exit status."""
    args = [ENVOI, "--data-dir", str(cluster.nodes[name].data_dir), "console", "--set", "smtp.listen=127.0.0.1:0",
            "--set", "https.listen=127.0.0.1:0", "--set", f"node.name={name}"]
    line = " ".join(shlex.quote(arg) for arg in args)
    return (f"env -u NO_COLOR -u COLUMNS -u LINES LANG=C.UTF-8 ENVOI_DATABASE={shlex.quote(str(cluster.database))} {line}; "
            f"status=$?; echo \"console exited with $status\"; echo $status > {shlex.quote(str(status_file))}; sleep 300")


def test_a_consoles_lists_and_limit_usage_are_the_clusters(tmp_path, database, tmux):
    cluster = Cluster(tmp_path, database)
    try:
        cluster.nodes["a"].ok("limits", "set", "--per-minute", "5", env={"ENVOI_DATABASE": database})
        a = cluster.start("a")
        status_file = tmp_path / "status"
        tmux.start(cluster_console_command(cluster, "b", status_file), width=WIDTH, height=HEIGHT)
        wait_for_log(cluster.nodes["b"].data_dir / "console.log", r"smtp listening on 127\.0\.0\.1:\d+")
        tmux.wait_for(r"Per minute .* 0 / 5 0%", timeout=30)

        # Node a's HTTPS API approves a sender and suppresses an address: node b's console lists both.
        username, password = cluster.sender_with_credential(a)
        email = cluster.client(oci.email.EmailClient, a)
        email.create_suppression(oci.email.models.CreateSuppressionDetails(compartment_id=cluster.tenancy,
                                                                           email_address="Blocked@example.org"))
        tmux.keys("2")
        tmux.wait_for(r"Approved senders: 1 of 1")
        tmux.wait_for(r"app@example\.com\s+envoi\s+ACTIVE")
        tmux.keys("5")
        tmux.wait_for(r"blocked@example\.org\s+MANUAL")

        # Two messages through node a's SMTP: node b's gauge shows the cluster's usage, its own
        # Accepted counter stays 0, and its Activity and Mail panes list node a's events.
        client = smtp_session(a, username, password)
        try:
            for index in range(2):
                assert client.mail("app@example.com")[0] == 250
                assert client.rcpt(f"r{index}@example.org")[0] == 250
                assert client.docmd("DATA")[0] == 354
                assert send_body(client, f"r{index}@example.org")[0] == 250
        finally:
            client.quit()
        tmux.keys("1")
        tmux.wait_for(r"Per minute .* 2 / 5 40%", timeout=10)
        tmux.wait_for(r"Accepted\s+0\b")
        tmux.keys("6")
        tmux.wait_for(r"accepted\s+r1@example\.org")
        tmux.wait_for(r"accepted\s+r0@example\.org")
        tmux.keys("7")
        tmux.wait_for(r"app@example\.com\s+r0@example\.org", timeout=30)
        tmux.wait_for(r"app@example\.com\s+r1@example\.org", timeout=30)

        # What node b's console changes, node a's API reads: a sender approved, a suppression lifted.
        tmux.keys("2", "a")
        tmux.type("console@example.com")
        tmux.wait_for(r"New sender address: console@example\.com_  ✓")
        tmux.keys("Enter")
        tmux.wait_for(r"approved sender console@example\.com")
        tmux.wait_for(r"Approved senders: 2 of 2")
        senders = email.list_senders(compartment_id=cluster.tenancy).data
        assert sorted(s.email_address for s in senders) == ["app@example.com", "console@example.com"]
        assert {s.compartment_id for s in senders} == {cluster.tenancy}
        tmux.keys("5", "d")
        tmux.wait_for(r"Lift the suppression of blocked@example\.org\? \(y/n\)")
        tmux.keys("y")
        tmux.wait_for(r"lifted the suppression of blocked@example\.org")
        assert email.list_suppressions(compartment_id=cluster.tenancy).data == []
        assert psql(database, "SELECT count(*) FROM suppression") == ["0"]

        tmux.keys("q")
        tmux.wait_for(r"console exited with 0", timeout=40)
        assert status_file.read_text().strip() == "0"
        assert a.stop() == 0
    finally:
        cluster.stop()
