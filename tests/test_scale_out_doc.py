"""docs/scale-out.md's walk-through, run as written (with free ports and a temporary folder): start two
nodes, index, search, status, add a third node and re-shard, kill a node and recover it.

Six commands load Kiwi in a process of their own: about 30 s on two idle cores, 60 s on busy ones.
It runs when NEWSEARCH_DOC_WALKTHROUGH=1 (after a change to the doc or to the cluster commands), so
that the default suite stays fast.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

DOC = REPO / "docs" / "scale-out.md"
PORTS = ("29306", "29307", "29308", "29312", "29313", "29314")


def walkthrough() -> str:
    """The shell blocks of the doc's step-by-step section, in order."""
    text = DOC.read_text(encoding="utf-8")
    part = text[text.index("## Try it on one machine"):text.index("## Global statistics")]
    return "\n".join(re.findall(r"```sh\n(.*?)```", part, re.S))


@pytest.mark.skipif(not os.environ.get("NEWSEARCH_DOC_WALKTHROUGH"),
                    reason="slow (a minute): set NEWSEARCH_DOC_WALKTHROUGH=1 to run the doc's walk-through")
def test_the_walkthrough_runs_as_written(tmp_path):
    pytest.importorskip("pymysql")
    if not shutil.which("searchd"):
        pytest.skip("searchd is not installed (apt-get install sphinxsearch)")
    from newsearch.backends.sphinx.local import free_port

    script = walkthrough()
    assert "newsearch cluster reshard" in script and "kill -9" in script
    demo = tmp_path / "ns-demo"
    ports = {p: str(free_port()) for p in PORTS}
    script = script.replace("/tmp/ns-demo", str(demo))
    for old, new in ports.items():
        script = script.replace(old, new)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSEARCH_")}
    env.update(PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}", NO_COLOR="1")
    try:
        r = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=REPO, env=env, capture_output=True,
                           text=True, timeout=600)
    finally:
        for pid_file in demo.glob("node*/searchd.pid"):  # what the script did not stop (it failed before)
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (OSError, ValueError):
                pass
    out = r.stdout + r.stderr
    assert r.returncode == 0, out[-3000:]
    assert "Traceback" not in out
    node1 = f"127.0.0.1:{ports['29307']}"
    assert out.count("cluster: whole") == 3 and "cluster: NOT whole" in out
    assert re.search(r"moved [1-9]\d* documents over 3 nodes", out)
    assert f"node 1 {node1} DOWN: sphinx node {node1} is unavailable" in out and "status exit 1" in out
    assert "partial results" in out
    assert f"Error: sphinx node {node1} is unavailable" in out and "index exit 1" in out
    assert "added 1, updated 0, deleted 0, unchanged 5, failed 0" in out
