"""Kiwi's worker threads kept busy on a stream of texts (see `Analyzer.terms_many`)."""

from __future__ import annotations

import itertools
import sys
import threading
from collections import deque
from typing import Callable, Iterable, Iterator

# How many texts analyze_many looks at to tell short from long ones, and the mean length (in
# characters) under which they count as short.
FEED_PROBE = 64
FEED_SHORT_CHARS = 200
# Texts analysed ahead of the consumer of analyze_many (0: analyse on the caller's thread).
FEED_AHEAD = 1024
# While the helper thread runs, the GIL changes hands after 1 ms instead of 5 ms: the helper
# then hands Kiwi its next texts before the workers run dry.
FEED_SWITCH_INTERVAL = 0.001
_END = object()


def stream(tokenize: Callable[[Iterable[str]], Iterable], convert: Callable, texts: Iterable[str]) -> Iterator:
    """`convert(tokens)` of each of `texts`, tokenized by `tokenize` (Kiwi's worker threads) in order.

    Kiwi's `tokenize(iterable)` reads only ~16 texts per worker ahead of whoever consumes it.
    For short texts (reviews) an indexing loop that spends about as long per document as Kiwi
    does made the workers stop and restart for every text (idle most of the time, and burning
    CPU on the restarts). So when the first texts are short (mean under FEED_SHORT_CHARS), a
    helper thread drives Kiwi: it pulls `texts` (the iterable is then consumed on that thread),
    turns each result into terms and queues them, up to FEED_AHEAD texts ahead of the caller;
    the workers then run in long bursts. For long texts (articles) Kiwi's own read-ahead keeps
    the workers busy, and a second Python thread only adds GIL hand-offs (measured: 0.95 of Kiwi
    alone's throughput direct, 0.82 through the helper), so they are analysed on this thread.

    A long noun seen for the first time is decomposed right there by a single-text Kiwi call
    (`decompose`), so the workers keep going on the texts already handed to them.
    """
    texts = iter(texts)
    head = list(itertools.islice(texts, FEED_PROBE))
    if not head:
        return  # nothing to analyse: do not pay for loading Kiwi (a no-op re-index)
    short = sum(map(len, head)) < FEED_SHORT_CHARS * len(head)
    texts = itertools.chain(head, texts)
    if FEED_AHEAD <= 0 or not short:
        for tokens in tokenize(texts):
            yield convert(tokens)
        return
    yield from analyze_ahead(tokenize, convert, texts, FEED_AHEAD)


def analyze_ahead(tokenize: Callable, convert: Callable, texts: Iterator[str], ahead: int) -> Iterator:
    """`stream` through a helper thread and a queue of at most `ahead` results.

    The helper waits when the queue is full until it is half empty. An exception on the helper
    (from Kiwi or from `texts`) is raised here, in order; closing this generator stops the helper.
    """
    queue: deque = deque()
    cond = threading.Condition()
    stop = []
    low = ahead // 2

    def run() -> None:
        end = (_END, None)
        try:
            for tokens in tokenize(texts):
                terms = convert(tokens)
                with cond:
                    queue.append(terms)
                    if len(queue) == 1:
                        cond.notify()
                    if len(queue) >= ahead:
                        while len(queue) > low and not stop:
                            cond.wait()
                    if stop:
                        return
        except BaseException as e:  # handed to the consumer
            end = (_END, e)
        with cond:
            queue.append(end)
            cond.notify()

    old_interval = sys.getswitchinterval()
    sys.setswitchinterval(min(old_interval, FEED_SWITCH_INTERVAL))
    helper = threading.Thread(target=run, name="newsearch-analysis", daemon=True)
    helper.start()
    try:
        while True:
            with cond:
                while not queue:
                    cond.wait()
                item = queue.popleft()
                if len(queue) == low:
                    cond.notify()
            if type(item) is tuple and item[0] is _END:
                if item[1] is not None:
                    raise item[1]
                return
            yield item
    finally:
        with cond:
            stop.append(True)
            cond.notify_all()
        sys.setswitchinterval(old_interval)
