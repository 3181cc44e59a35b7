"""The short version of Benchmarks/soak.py: SMTP and HTTPS load, `kill -9` twice at random moments,
restarts, then every acknowledged message must be in the event log and, delivery drained, in the
capture mailbox — none lost, none queued twice, none kept twice."""
import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent.parent / "Benchmarks"))

from soak import soak  # noqa: E402


def test_kill_9_under_smtp_and_https_load_loses_and_duplicates_nothing(tmp_path):
    result = soak(tmp_path / "data", duration=18, kills=2, smtp_clients=4, https_clients=2, log=lambda line: None)
    print(result)
    assert result["acknowledged"] > 100, result
    assert result["lost_from_queue"] == 0 and result["lost_from_mailbox"] == 0, result
    assert result["duplicates"] == 0 and result["delivered_twice"] == 0, result
    assert result["still_queued"] == 0, result
