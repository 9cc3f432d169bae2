"""make bench, Python part: the issue-14 figures of BENCHMARKS.md.

    python_bench.py STORE TFRECORD
STORE: a full-size store (the bench uses the SYNTHETIC one of `cellscape
synth --store`); TFRECORD: an only108-size .tfrecord (SYNTHETIC too), opened
through a fresh cache.  Run with the Python the build was configured for and
build/python on PYTHONPATH.  Prints one line per figure.
"""
import os
import resource
import subprocess
import sys
import tempfile
import time


def best(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def child(store, nqueries):
    """Open the store and query nqueries stored cells; peak RSS at the end."""
    import io
    import contextlib
    from nasbench import api
    with contextlib.redirect_stdout(io.StringIO()):
        nb = api.NASBench(store)
    hashes = list(nb.hash_iterator())[:100000]
    specs = []
    for h in hashes:
        f, _ = nb.get_metrics_from_hash(h)
        specs.append(api.ModelSpec(f["module_adjacency"], f["module_operations"]))
    t = time.perf_counter()
    for i in range(nqueries):
        nb.query(specs[i % len(specs)])
    q = nqueries / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(nqueries):
        nb.get_metrics_from_hash(hashes[i % len(hashes)])
    g = nqueries / (time.perf_counter() - t)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print("query() of stored cells (SYNTHETIC store): %.0f /s; get_metrics_from_hash: %.0f /s; "
          "peak RSS of the open plus %d queries of each: %.0f MB" % (q, g, nqueries, rss / 1024))


def main():
    store, tfrecord = sys.argv[1], sys.argv[2]
    if len(sys.argv) > 3 and sys.argv[3] == "--child":
        return child(store, int(sys.argv[4]))
    import io
    import contextlib
    import numpy as np
    import cellscape
    from cellscape import landscape
    from nasbench import api
    print("Space(): best of 3 %.3f s" % best(3, cellscape.Space))
    sp = cellscape.Space()
    print("neighbours(): %.3f s" % best(1, sp.neighbours))
    fitness = cellscape.Store(store).metric("validation_accuracy", space=sp)
    print("local_optima (whole space, SYNTHETIC validation accuracy): best of 3 %.3f s"
          % best(3, lambda: landscape.local_optima(sp, fitness)))
    with contextlib.redirect_stdout(io.StringIO()):
        print("NASBench(store), full-size SYNTHETIC: best of 5 %.1f ms" %
              (1e3 * best(5, lambda: api.NASBench(store))), file=sys.__stdout__)
        with tempfile.TemporaryDirectory() as cache:
            os.environ["CELLSCAPE_CACHE"] = cache
            first = best(1, lambda: api.NASBench(tfrecord))
            again = best(5, lambda: api.NASBench(tfrecord))
    print("NASBench(.tfrecord), only108-size SYNTHETIC: first open (import into the cache) %.2f s, "
          "cached opens best of 5 %.1f ms" % (first, 1e3 * again))
    out = subprocess.run([sys.executable, __file__, store, tfrecord, "--child", "1000000"],
                         stdout=subprocess.PIPE, universal_newlines=True, check=True)
    print(out.stdout.strip())


if __name__ == "__main__":
    main()
