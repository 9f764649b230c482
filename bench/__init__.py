"""Benchmarks of 警务通办 (see BENCHMARKS.md). Run them all with ``make bench``
(``python -m bench.run``); ``python -m bench.run --quick`` runs tiny sizes.

- ``bench_documents``: certificate render time, HarfBuzz subsetting on or off.
- ``bench_engine``: deadline computations per second (``due_at``, ``derive_clocks``).
- ``bench_sweep``: the SLA sweep over a large table of open applications.

Speed is measured only here; the tests assert behaviour, never a time.
"""
