"""Copies kept in the process besides Redis, within a budget of bytes, least recently read
first out.

Only in front of Redis: in front of the process's own memory (the embedded default) a
second copy would only double it. Two uses, each with its own budget:

- ``cachetags.memo``: derived values, exact because their keys name their tokens;
- ``api.caching``: each URL's latest response, which answers after Redis lost its entries
  (a flush, a restart, an eviction) when no change has committed since it was computed
  (``cachetags.epoch``).
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

from cachetags.store import store_redis_client

V = TypeVar("V")


class LocalCopies(Generic[V]):
    """Values by key in this process, within the budget ``budget()`` returns (bytes, read
    on every write so a setting can change it); ``size(value)`` is what one costs."""

    def __init__(self, *, budget: Callable[[], int], size: Callable[[V], int]) -> None:
        self._budget = budget
        self._size = size
        self._values: OrderedDict[str, tuple[V, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def active(self) -> bool:
        """Whether anything is kept: a budget, and Redis behind."""
        return self._budget() > 0 and store_redis_client() is not None

    def get(self, key: str) -> V | None:
        with self._lock:
            kept = self._values.get(key)
            if kept is None:
                return None
            self._values.move_to_end(key)
            return kept[0]

    def put(self, key: str, value: V) -> None:
        budget = self._budget()
        if budget <= 0 or store_redis_client() is None:  # not active()
            return
        size = self._size(value)
        if size > budget // 8:  # one value never crowds out the rest
            return
        with self._lock:
            previous = self._values.pop(key, None)
            if previous is not None:
                self._bytes -= previous[1]
            self._values[key] = (value, size)
            self._bytes += size
            while self._bytes > budget:
                _, (_, dropped) = self._values.popitem(last=False)
                self._bytes -= dropped

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._bytes = 0
