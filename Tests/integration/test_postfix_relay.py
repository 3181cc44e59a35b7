"""Postfix as a relay client of Envoi, configured with assets/postfix/main.cf as users copy it."""
import pathlib
import shutil
import sqlite3
import subprocess
import time

import pytest

ASSET = pathlib.Path(__file__).resolve().parents[2] / "assets" / "postfix" / "main.cf"


class PostfixInstance:
    """A private Postfix under a temporary directory: no listener, sendmail → smtp client → Envoi."""

    def __init__(self, directory: pathlib.Path, relay_port: int, username: str, password: str, cafile: str):
        self.directory = directory
        directory.mkdir(mode=0o755)
        relayhost = f"[127.0.0.1]:{relay_port}"
        instance = "\n".join([
            f"queue_directory = {directory}/queue",
            f"data_directory = {directory}/data",
            "mail_owner = postfix",
            "setgid_group = postdrop",
            "inet_interfaces = loopback-only",
            "inet_protocols = ipv4",
            "myhostname = client.example.com",
            "mydestination =",
            "compatibility_level = 3.6",
            f"maillog_file = {directory}/maillog",
            f"maillog_file_prefixes = {directory}",
            "",
        ])
        # The asset as it is, but for the port: the test's Envoi listens on a free port.
        (directory / "main.cf").write_text(instance + ASSET.read_text().replace("[127.0.0.1]:2587", relayhost))
        master = []
        for line in pathlib.Path("/etc/postfix/master.cf").read_text().splitlines():
            fields = line.split()
            if line and not line[0].isspace() and not line.startswith("#") and len(fields) >= 8:
                if fields[0] == "smtp" and fields[1] == "inet":
                    continue
                fields[4] = "n"  # no chroot: the instance lives under a temporary directory
                line = " ".join(fields)
            master.append(line)
        (directory / "master.cf").write_text("\n".join(master) + "\n")
        secrets = directory / "sasl_passwd"
        secrets.write_text(f"{relayhost} {username}:{password}\n")
        secrets.chmod(0o600)
        shutil.copy(cafile, directory / "envoi-ca.pem")
        (directory / "queue").mkdir(mode=0o755)
        (directory / "data").mkdir(mode=0o700)
        shutil.chown(directory / "data", "postfix", "postfix")
        self.postfix("set-permissions")
        self.postfix("check")
        self.postfix("start")

    def postfix(self, *args):
        # Postfix reports configuration errors only to a terminal or syslog: `script` gives it one.
        command = " ".join(["postfix", "-c", str(self.directory), *args])
        result = subprocess.run(["script", "-qec", command, "/dev/null"], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{command}: {result.stdout}{result.stderr}"
        return result

    def sendmail(self, sender, recipient, message: bytes):
        subprocess.run(["sendmail", "-C", str(self.directory), "-f", sender, recipient], input=message, check=True, timeout=60)

    def log(self) -> str:
        path = self.directory / "maillog"
        return path.read_text() if path.exists() else ""

    def stop(self):
        subprocess.run(["postfix", "-c", str(self.directory), "stop"], capture_output=True, timeout=60)


@pytest.fixture
def postfix_directory():
    """Postfix's daemons run as the postfix user: the instance lives where that user can reach it."""
    import tempfile
    parent = pathlib.Path(tempfile.mkdtemp(prefix="envoi-postfix-", dir="/tmp"))
    parent.chmod(0o755)
    yield parent / "instance"
    shutil.rmtree(parent, ignore_errors=True)


def test_postfix_relays_through_envoi_with_tls_and_auth(initialised, tenant, server_factory, postfix_directory):
    server = server_factory()
    postfix = PostfixInstance(postfix_directory, server.smtp_ports[1], tenant.username, tenant.password,
                              str(initialised.data_dir / "tls" / "certificate.pem"))
    try:
        postfix.sendmail("app@example.com", "friend@example.org",
                         b"From: app@example.com\nTo: friend@example.org\nSubject: via Postfix\n\nRelayed by Postfix.\n")
        deadline = time.monotonic() + 60
        rows = []
        while time.monotonic() < deadline and not rows:
            connection = sqlite3.connect(f"file:{initialised.database}?mode=ro", uri=True)
            rows = connection.execute("SELECT m.envelope_sender, q.recipient FROM message m JOIN queue_entry q ON q.queue_id = m.id").fetchall()
            connection.close()
            time.sleep(0.2)
        assert rows, f"nothing arrived in Envoi's queue; Postfix log:\n{postfix.log()}"
        assert rows[0][0] == "app@example.com" and rows[0][1] == "friend@example.org"
        # The capture transport keeps what would have gone out (the queue drops the body once delivered).
        deadline = time.monotonic() + 30
        while not initialised.json("mail", "list") and time.monotonic() < deadline:
            time.sleep(0.2)
        kept = initialised.json("mail", "list")[0]
        assert "Subject: via Postfix" in initialised.ok("mail", "raw", str(kept["id"])).stdout
        deadline = time.monotonic() + 30
        while "status=sent" not in postfix.log() and time.monotonic() < deadline:
            time.sleep(0.2)
        log = postfix.log()
        assert "Trusted TLS connection established to 127.0.0.1" in log, log
        assert "status=sent (250 2.0.0 Ok: queued as ocid1.emailmessage.envoi.." in log, log
        assert tenant.password not in log
    finally:
        postfix.stop()
