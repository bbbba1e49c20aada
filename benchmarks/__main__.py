"""``python -m benchmarks``: see :mod:`benchmarks.bench`."""

from benchmarks.bench import main

main()
