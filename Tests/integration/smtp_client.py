"""A raw SMTP client for asserting exact reply lines (smtplib hides them behind exceptions)."""
import base64
import socket
import ssl
import time


class RawSMTP:
    def __init__(self, port, cafile, source="127.0.0.1", timeout=10):
        self.cafile = cafile
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout, source_address=(source, 0))
        self.buffer = b""

    def read_reply(self) -> list[str]:
        """Every line of one reply, without CRLF."""
        lines = []
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            while b"\r\n" not in self.buffer:
                chunk = self.sock.recv(65536)
                if not chunk:
                    if self.buffer:
                        lines.append(self.buffer.decode())
                    return lines or ["<closed>"]
                self.buffer += chunk
            line, self.buffer = self.buffer.split(b"\r\n", 1)
            text = line.decode()
            lines.append(text)
            if len(text) < 4 or text[3] != "-":
                return lines
        raise TimeoutError("no complete reply")

    def reply(self) -> str:
        """The last line of one reply."""
        return self.read_reply()[-1]

    def send(self, data: bytes | str):
        self.sock.sendall(data.encode() if isinstance(data, str) else data)

    def command(self, line: str) -> str:
        self.send(line + "\r\n")
        return self.reply()

    def starttls(self):
        assert self.command("STARTTLS").startswith("220")
        context = ssl.create_default_context(cafile=self.cafile)
        self.sock = context.wrap_socket(self.sock, server_hostname="127.0.0.1")

    def login(self, username, password):
        token = base64.b64encode(f"\0{username}\0{password}".encode()).decode()
        return self.command(f"AUTH PLAIN {token}")

    def ready(self, username, password):
        """Greeting, EHLO, STARTTLS, EHLO, AUTH: a session ready for MAIL."""
        assert self.reply().startswith("220 ")
        self.send("EHLO client.example\r\n")
        self.read_reply()
        self.starttls()
        self.send("EHLO client.example\r\n")
        self.read_reply()
        assert self.login(username, password) == "235 2.7.0 Authentication successful"
        return self

    def closed(self) -> bool:
        try:
            self.sock.settimeout(5)
            return self.sock.recv(1) == b""
        except (ConnectionResetError, ssl.SSLError, OSError):
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def message(sender="app@example.com", to="rcpt@example.org", subject="Hello", body="Hello there.", extra=""):
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n{extra}\r\n{body}\r\n").encode()
