"""A small DNS server on loopback for the DKIM tests: it serves the records of zone-file text
that a test sets and changes at will, answers like a recursive resolver (the CNAME chain and the
records at its end, across zones), truncates UDP answers over 512 octets so that clients fall
back to TCP (RFC 7766 §5), and can be switched to SERVFAIL or stopped."""
import socket
import socketserver
import threading

from dnslib import QTYPE, RCODE, RR, TXT, DNSHeader, DNSRecord
from dnslib.server import DNSHandler, DNSLogger, DNSServer


class _Handler(DNSHandler):
    """dnslib's handler, except that a UDP answer over 512 octets (RFC 1035 §4.2.1, no EDNS0) is
    replaced by one with the TC bit that keeps the question section, as RFC 2181 §9 and the
    clients' question matching (glibc's res_queriesmatch) expect."""

    def get_reply(self, data):
        request = DNSRecord.parse(data)
        reply = self.server.resolver.resolve(request, self)
        packed = reply.pack()
        if self.protocol == "udp" and len(packed) > 512:
            truncated = DNSRecord(DNSHeader(id=reply.header.id, bitmap=reply.header.bitmap), q=reply.q)
            truncated.header.tc = 1
            packed = truncated.pack()
        return packed


class _QuietLogger(DNSLogger):
    def __init__(self):
        super().__init__(log="-request,-reply,-truncated,-error,-recv,-send,-data")


class ZoneResolver:
    """Answers from a dict of owner name → records, following CNAMEs."""

    def __init__(self, server):
        self.server = server

    def resolve(self, request, handler):
        reply = request.reply()
        reply.header.aa = 1
        reply.header.ra = 1
        self.server.queries.append((str(request.q.qname).lower().rstrip("."), QTYPE[request.q.qtype], handler.protocol))
        if self.server.servfail:
            reply.header.rcode = RCODE.SERVFAIL
            return reply
        name = str(request.q.qname).lower().rstrip(".")
        qtype = request.q.qtype
        records = self.server.records
        seen = set()
        while name not in seen and len(seen) < 10:
            seen.add(name)
            here = records.get(name, [])
            for rr in here:
                if rr.rtype == qtype or rr.rtype == QTYPE.CNAME:
                    reply.add_answer(rr)
            cnames = [rr for rr in here if rr.rtype == QTYPE.CNAME]
            if not here and not any(owner.endswith("." + name) for owner in records):
                reply.header.rcode = RCODE.NXDOMAIN
                break
            if not cnames or qtype == QTYPE.CNAME:
                break
            name = str(cnames[0].rdata.label).lower().rstrip(".")
        return reply


class LoopbackDNS:
    """`LoopbackDNS().start()` listens on 127.0.0.1 (UDP and TCP, one port); `set_zone(text)`
    replaces every record; `stop()` closes both sockets so that queries are refused."""

    def __init__(self, host="127.0.0.1"):
        self.host = host
        self.records = {}
        self.queries = []
        self.servfail = False
        self._servers = []
        self.port = None

    def start(self):
        resolver = ZoneResolver(self)
        for _ in range(20):
            udp = DNSServer(resolver, address=self.host, port=0, handler=_Handler, logger=_QuietLogger())
            port = udp.server.server_address[1]
            try:
                tcp = DNSServer(resolver, address=self.host, port=port, tcp=True, handler=_Handler, logger=_QuietLogger())
            except OSError:
                udp.server.server_close()
                continue
            self.port = port
            self._servers = [udp, tcp]
            for server in self._servers:
                server.start_thread()
            return self
        raise RuntimeError("no free port for UDP and TCP together")

    @property
    def address(self):
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def set_zone(self, text):
        """Replaces the records with those of zone-file text (absolute names, $ORIGIN allowed)."""
        records = {}
        for rr in RR.fromZone(text):
            records.setdefault(str(rr.rname).lower().rstrip("."), []).append(rr)
        self.records = records

    def add_txt(self, name, *strings):
        """Adds one TXT record of exactly these character-strings (quotes and all)."""
        rr = RR(name, QTYPE.TXT, ttl=300, rdata=TXT([string.encode() for string in strings]))
        self.records.setdefault(name.lower().rstrip("."), []).append(rr)

    def stop(self):
        for server in self._servers:
            server.server.shutdown()
            server.server.server_close()
        self._servers = []

    def tcp_queries(self):
        return [query for query in self.queries if query[2] == "tcp"]


class SilentDNS:
    """A UDP socket on loopback that never answers: what a DNS timeout looks like."""

    def __init__(self):
        self.socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.socket.bind(("127.0.0.1", 0))
        self.address = f"127.0.0.1:{self.socket.getsockname()[1]}"

    def close(self):
        self.socket.close()
