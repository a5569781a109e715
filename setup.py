"""The one compiled part: newsearch._speedups (see src/newsearch/_speedups.c).

It is optional: without a C compiler (or Python's headers) the build goes on without it and
newsearch runs the same code in pure Python. It deflates posting blocks with zlib directly when
zlib's header is there (Debian: zlib1g-dev), else through Python's zlib module. Everything else
is in pyproject.toml.
"""

import os
import sysconfig

from setuptools import Extension, setup

include_dirs = [d for d in (sysconfig.get_config_var("INCLUDEDIR"), "/usr/include", "/usr/local/include") if d]
have_zlib = any(os.path.exists(os.path.join(d, "zlib.h")) for d in include_dirs)

setup(ext_modules=[Extension(
    "newsearch._speedups", ["src/newsearch/_speedups.c"], optional=True,
    libraries=["z"] if have_zlib else [],
    define_macros=[] if have_zlib else [("NEWSEARCH_PY_ZLIB", "1")],
    extra_compile_args=["-O2"],
)])
