"""A national-scale data set for benchmarks (issue 9 target 5; reused by issue 12).

    .venv/bin/python -m bench.national --dump var/bench/national.dump          # defaults below
    .venv/bin/python -m bench.national --cases 2000 --events 100000 --verify   # a quick one

See bench/README.md. `generate.py` holds the plan and the kinds of data; `sink.py` the COPY
writer and the audit trail.
"""
