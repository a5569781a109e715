"""Local clusters of `searchd` nodes on 127.0.0.1 (tests, benchmarks, trying it out)."""

from __future__ import annotations

import signal
import socket
import subprocess
import time
from pathlib import Path

from .cluster import connect
from .nodes import DEFAULT_PREFIX, node_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalNode:
    """One `searchd` in the foreground (so that it can be killed for real), with its own config and data."""

    def __init__(self, i: int, nodes: list[dict], base: Path, prefix: str):
        self.i, self.nodes, self.prefix = i, nodes, prefix
        self.dir = base / f"node{i}"
        self.dir.mkdir(parents=True, exist_ok=True)
        self.conf = self.dir / "searchd.conf"
        self.write_config()
        self.proc: subprocess.Popen | None = None

    def write_config(self) -> None:
        """This node's config for the current node list (`nodes` is shared by the cluster's nodes)."""
        self.conf.write_text(node_config(self.i, self.nodes, self.dir, self.prefix), encoding="utf-8")

    def reload(self, timeout: float = 30.0) -> None:
        """Write the config again and have searchd re-read it (SIGHUP), as after adding a node; returns
        once its distributed index lists every node's shard."""
        self.write_config()
        self.proc.send_signal(signal.SIGHUP)
        n = self.nodes[self.i]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            conn = connect(n["host"], n["sql_port"], timeout=1.0)
            try:
                with conn.cursor() as cur:
                    cur.execute(f"DESCRIBE {self.prefix}")
                    if len(cur.fetchall()) == len(self.nodes):
                        return
            finally:
                conn.close()
            time.sleep(0.1)
        raise RuntimeError(f"searchd node {self.i} did not reload its config within {timeout:.0f}s")

    @property
    def address(self) -> str:
        n = self.nodes[self.i]
        return f"{n['host']}:{n['sql_port']}"

    def start(self, timeout: float = 30.0) -> None:
        log_fh = open(self.dir / "stdout.log", "ab")
        self.proc = subprocess.Popen(["searchd", "--config", str(self.conf), "--nodetach"], stdout=log_fh,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log_fh.close()
        n = self.nodes[self.i]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"searchd node {self.i} exited: "
                                   + (self.dir / "stdout.log").read_text(errors="replace")[-2000:])
            try:
                connect(n["host"], n["sql_port"], timeout=1.0).close()
                return
            except Exception:
                time.sleep(0.1)
        raise RuntimeError(f"searchd node {self.i} did not answer within {timeout:.0f}s")

    def stop(self) -> None:
        """A clean shutdown (RT indexes are saved)."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def kill(self) -> None:
        """SIGKILL: what a crashed machine looks like (the binlog brings the writes back)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None


class LocalCluster:
    """`n` searchd nodes on 127.0.0.1 with free ports and data under `base`."""

    def __init__(self, base: str | Path, n: int = 2, prefix: str = DEFAULT_PREFIX):
        base = Path(base)
        self.prefix = prefix
        self.base = base
        self.specs = [{"host": "127.0.0.1", "sql_port": free_port(), "api_port": free_port()} for _ in range(n)]
        self.nodes = [LocalNode(i, self.specs, base, prefix) for i in range(n)]

    def add_node(self) -> LocalNode:
        """Start one more node (an empty shard) and reload the others' configs so that every node's
        distributed index lists it; the documents stay where they are until a re-shard moves them."""
        self.specs.append({"host": "127.0.0.1", "sql_port": free_port(), "api_port": free_port()})
        node = LocalNode(len(self.nodes), self.specs, self.base, self.prefix)
        node.start()
        self.nodes.append(node)
        for n in self.nodes[:-1]:
            n.reload()
        return node

    @property
    def env(self) -> dict[str, str]:
        """The environment that points newsearch at this cluster."""
        return {"NEWSEARCH_BACKEND": "sphinx", "NEWSEARCH_SPHINX_NODES": ",".join(n.address for n in self.nodes),
                "NEWSEARCH_SPHINX_INDEX": self.prefix}

    def start(self) -> "LocalCluster":
        for n in self.nodes:
            n.start()
        return self

    def stop(self) -> None:
        for n in self.nodes:
            n.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
