#!/usr/bin/env python3
"""Verify a DKIM-signed message with dkimpy, as an independent check of Envoi's DKIM signer.

Usage: verify_with_dkimpy.py SIGNED_MESSAGE_FILE TXT_RECORD_FILE [SIGNATURE_INDEX]

SIGNED_MESSAGE_FILE holds the message with its DKIM-Signature field(s), CRLF line breaks.
TXT_RECORD_FILE holds the key record text ("v=DKIM1; k=rsa; p=..."), the value that would be
published at <selector>._domainkey.<domain>; it is returned for the lookup of the name the
signature points to (the name looked up is printed). SIGNATURE_INDEX (default 0) picks which
DKIM-Signature field, counted from the top, to verify.

Exits 0 when dkimpy verifies the signature, 1 when it does not, 2 on a usage error.
Needs dkimpy (and PyNaCl for ed25519-sha256): pip install dkimpy pynacl
"""
import sys

import dkim


def main(argv):
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[1], "rb") as handle:
        message = handle.read()
    with open(argv[2], "rb") as handle:
        record = handle.read().strip()
    index = int(argv[3]) if len(argv) == 4 else 0

    asked = []

    def dnsfunc(name, timeout=5):
        asked.append(name)
        return record

    verifier = dkim.DKIM(message)
    try:
        verified = verifier.verify(idx=index, dnsfunc=dnsfunc)
    except dkim.DKIMException as error:
        print(f"dkimpy: error: {error}", file=sys.stderr)
        return 1
    looked_up = asked[0].decode() if asked else "(no lookup)"
    if verified:
        print(f"dkimpy: pass ({looked_up})")
        return 0
    print(f"dkimpy: fail ({looked_up})", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
