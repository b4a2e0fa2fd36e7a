"""Redis round trips counted exactly where redis-py writes to the socket: every command,
or every pipeline, is one ``send_packed_command`` on a connection, followed by its replies.
"""

import threading

import redis.connection


class RoundTrips:
    """The commands this thread sent to Redis, one entry per round trip."""

    def __init__(self) -> None:
        self.trips: list[list[str]] = []
        self.thread = threading.get_ident()

    def record(self, packed) -> None:
        if threading.get_ident() != self.thread:
            return
        chunks = packed if isinstance(packed, list | tuple) else [packed]
        data = b"".join(bytes(c) for c in chunks)
        # RESP: *<n>\r\n$<len>\r\n<NAME>\r\n... for each command of the trip.
        names = []
        for part in data.split(b"*")[1:]:
            lines = part.split(b"\r\n")
            if len(lines) > 2 and lines[1].startswith(b"$"):
                names.append(lines[2].decode(errors="replace").upper())
        self.trips.append(names)


def round_trips_counted(monkeypatch) -> RoundTrips:
    """Count this thread's round trips for the rest of the test."""
    counter = RoundTrips()
    original = redis.connection.AbstractConnection.send_packed_command

    def counted(self, command, check_health=True):
        counter.record(command)
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counted)
    return counter
