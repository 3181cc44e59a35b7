"""1,000 idle SMTP connections do not stop a new client from being served."""
import resource
import socket

from smtp_client import RawSMTP


def test_a_thousand_idle_connections_leave_room_for_a_new_client(initialised, tenant, server_factory):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    server = server_factory("smtp.max_connections_per_ip=250")
    idle = []
    try:
        for index in range(1000):
            source = f"127.0.0.{10 + index // 250}"
            connection = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(source, 0))
            idle.append(connection)
        for connection in idle[:: 100]:
            assert connection.recv(512).startswith(b"220 ")
        cafile = str(initialised.data_dir / "tls" / "certificate.pem")
        client = RawSMTP(server.port, cafile, source="127.0.0.99").ready(tenant.username, tenant.password)
        assert client.command("MAIL FROM:<app@example.com>") == "250 2.1.0 Ok"
        rss_kib = int(next(line for line in open(f"/proc/{server.process.pid}/status") if line.startswith("VmRSS")).split()[1])
        print(f"RSS with 1000 idle connections: {rss_kib / 1024:.0f} MiB")
    finally:
        for connection in idle:
            connection.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
