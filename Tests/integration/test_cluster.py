"""Two `envoi serve` nodes on different ports sharing one PostgreSQL database (`database`), as behind a
TCP load balancer: the per-minute limit holds for both together, a message accepted by one is
delivered once, and a node killed mid-delivery leaves its claimed messages to the other once their
lease expires. The control plane is driven through the cloud SDK against either node."""
import email
import os
import shutil
import smtplib
import socket
import ssl
import subprocess
import threading
import time

import oci
import pytest
from aiosmtpd.controller import Controller

from conftest import Envoi, Secret, Server, free_port, psql
from smtp_client import message
from test_delivery import Sink, wait_for


class Cluster:
    """Data directories for nodes "a" and "b" on one database: `init --database` on the first makes
    the schema and the tenancy; the second gets a copy of the master key (as the README says) and
    finds them there. The admin user's API key is registered through node b's CLI."""

    def __init__(self, tmp_path, database):
        self.database = database
        self.nodes = {name: Envoi(tmp_path / name) for name in ("a", "b")}
        self.nodes["a"].ok("init", "--database", database)
        (tmp_path / "b").mkdir(mode=0o700)
        shutil.copy2(tmp_path / "a" / "master.key", tmp_path / "b" / "master.key")
        self.nodes["b"].ok("init", "--database", database)
        self.user, self.tenancy = psql(database, "SELECT id, compartment_id FROM app_user WHERE name = 'admin'")[0].split("|")
        key_file, public = tmp_path / "api_key.pem", tmp_path / "api_key_public.pem"
        subprocess.run(["openssl", "genrsa", "-out", str(key_file), "2048"], check=True, capture_output=True, timeout=60)
        os.chmod(key_file, 0o600)
        subprocess.run(["openssl", "rsa", "-in", str(key_file), "-pubout", "-out", str(public)], check=True, capture_output=True,
                       timeout=60)
        fingerprint = self.nodes["b"].json("apikey", "add", "--user", self.user, "--public-key", str(public),
                                           env={"ENVOI_DATABASE": database})["fingerprint"]
        self.sdk_config = {"user": self.user, "tenancy": self.tenancy, "fingerprint": fingerprint, "key_file": str(key_file),
                           "region": "us-ashburn-1"}
        self.servers = []

    def start(self, name, *settings):
        server = Server(self.nodes[name], f"database={self.database}", f"node.name={name}", *settings)
        # Each node made its own self-signed certificate (behind a load balancer they would share one).
        server.cafile = str(self.nodes[name].data_dir / "tls" / "certificate.pem")
        self.servers.append(server)
        return server

    def client(self, kind, server):
        made = kind(self.sdk_config, service_endpoint=server.https_endpoint,
                    circuit_breaker_strategy=oci.circuit_breaker.NoCircuitBreakerStrategy())
        made.base_client.session.verify = server.cafile
        made.base_client.session.trust_env = False
        return made

    def sender_with_credential(self, server):
        """Approves app@example.com and gives the admin user an SMTP credential, through `server`'s API."""
        self.client(oci.email.EmailClient, server).create_sender(
            oci.email.models.CreateSenderDetails(compartment_id=self.tenancy, email_address="app@example.com"))
        created = self.client(oci.identity.IdentityClient, server).create_smtp_credential(
            oci.identity.models.CreateSmtpCredentialDetails(description="cluster test"), self.user).data
        return created.username, Secret(created.password)

    def stop(self):
        for server in self.servers:
            if server.process.poll() is None:
                server.stop()


@pytest.fixture
def cluster(tmp_path, database):
    made = Cluster(tmp_path, database)
    yield made
    made.stop()


def smtp_session(server, username, password):
    client = smtplib.SMTP("127.0.0.1", server.port, timeout=10)
    client.starttls(context=ssl.create_default_context(cafile=server.cafile))
    client.login(username, password)
    return client


def send_body(client, recipient):
    """The message after a 354, as smtplib's `data` sends it; the final reply."""
    client.send(smtplib.quotedata(message(to=recipient).decode()).encode() + b"\r\n.\r\n")
    return client.getreply()


def test_two_nodes_share_the_per_minute_limit_and_deliver_each_message_once(cluster):
    a = cluster.start("a")
    b = cluster.start("b")
    # Set while both run: each commit re-reads the limits and every node's usage under the
    # tenancy row's lock, so the new limit binds at once, whatever a node's cached copy says.
    cluster.nodes["a"].ok("limits", "set", "--per-minute", "10", env={"ENVOI_DATABASE": cluster.database})
    username, password = cluster.sender_with_credential(a)
    sessions = {name: smtp_session(server, username, password) for name, server in (("a", a), ("b", b))}
    accepted, refused = {"a": [], "b": []}, []
    try:
        for index in range(30):
            name = "ab"[index % 2]
            client = sessions[name]
            recipient = f"r{index}@example.org"
            # The refusal may come at MAIL FROM (the node's early check), at RCPT TO, or after
            # DATA (the commit's locked re-check): the first non-2xx/3xx reply is the answer.
            replies = [client.mail("app@example.com"), client.rcpt(recipient)]
            if all(code == 250 for code, _ in replies):
                code, reply = client.docmd("DATA")
                replies.append((code, reply))
                if code == 354:
                    replies.append(send_body(client, recipient))
            code, reply = next(((c, r) for c, r in replies if c not in (250, 354)), replies[-1])
            if code == 250:
                accepted[name].append(reply.decode().rsplit(" ", 1)[1])
            else:
                refused.append(f"{code} {reply.decode()}")
                client.rset()
    finally:
        for client in sessions.values():
            client.quit()
    total = len(accepted["a"]) + len(accepted["b"])
    assert total == 10, f"accepted {total} (a {len(accepted['a'])}, b {len(accepted['b'])}); refused {refused[:2]}"
    assert accepted["a"] and accepted["b"], "both nodes accepted some"
    assert len(refused) == 20 and all("Maximum messages sent per minute reached : limit is 10" in r for r in refused), refused[:3]
    # Capture delivery runs on both nodes: every accepted message is kept exactly once.
    queue_ids = accepted["a"] + accepted["b"]
    assert wait_for(lambda: psql(cluster.database, "SELECT count(*) FROM queue_entry WHERE state = 'QUEUED'") == ["0"], timeout=60)
    kept = psql(cluster.database, "SELECT queue_id, count(*) FROM mailbox GROUP BY queue_id")
    assert sorted(kept) == sorted(f"{q}|1" for q in queue_ids)
    assert sorted(psql(cluster.database, "SELECT DISTINCT state FROM queue_entry")) == ["DELIVERED"]
    for server in (a, b):
        assert server.stop() == 0


class BlackHole:
    """A TCP listener that accepts connections and never answers: an SMTP relay that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.port = self.socket.getsockname()[1]
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                return
            self.accepted.append(connection)

    def close(self):
        for connection in self.accepted:
            connection.close()
        self.socket.close()


def test_a_killed_nodes_claimed_messages_go_to_the_other_node_after_the_lease(cluster):
    hole = BlackHole()
    sink = Sink()
    sink_port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=sink_port)
    controller.start()
    try:
        relay = ("delivery.mode=relay", "delivery.relay_tls=none", "delivery.lease=4")
        a = cluster.start("a", f"delivery.relay_host=127.0.0.1:{hole.port}", *relay)
        username, password = cluster.sender_with_credential(a)
        client = smtp_session(a, username, password)
        accepted = []
        for index in range(3):
            client.mail("app@example.com")
            client.rcpt(f"k{index}@example.org")
            code, reply = client.data(message(to=f"k{index}@example.org"))
            assert code == 250
            accepted.append(reply.decode().rsplit(" ", 1)[1])
        client.quit()
        # Node a claims the three and hangs on the silent relay; then it dies.
        assert wait_for(lambda: psql(cluster.database, "SELECT count(*) FROM queue_entry WHERE leased_by = 'a'") == ["3"], timeout=30)
        a.process.kill()
        a.process.wait(timeout=10)
        expiry = float(psql(cluster.database, "SELECT extract(epoch FROM min(lease_until)) FROM queue_entry")[0])
        b = cluster.start("b", f"delivery.relay_host=127.0.0.1:{sink_port}", *relay)
        # Node b frees only its own leases at start: a's stay until they expire, then b delivers.
        assert wait_for(lambda: len(sink.received) >= 1, timeout=60, interval=0.02), "node b never delivered a's messages"
        assert time.time() >= expiry - 0.1, "b took a message before a's lease expired"
        assert wait_for(lambda: len(sink.received) >= 3, timeout=30)
        assert wait_for(lambda: psql(cluster.database, "SELECT DISTINCT state FROM queue_entry") == ["DELIVERED"], timeout=30)
        message_ids = dict(row.split("|") for row in psql(cluster.database, "SELECT id, message_id FROM message"))
        received = [email.message_from_bytes(content)["Message-ID"].strip("<>") for _, _, content in sink.received]
        assert sorted(received) == sorted(message_ids[q] for q in accepted), "each of a's messages delivered once, by b"
        assert b.stop() == 0
    finally:
        controller.stop()
        hole.close()
