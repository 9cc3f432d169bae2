"""make bench, Python part: the issue-14 figures of BENCHMARKS.md.

    python_bench.py STORE TFRECORD [STORE108]
STORE: a full-size store (the bench uses the SYNTHETIC one of `cellscape
synth --store`); TFRECORD: an only108-size .tfrecord (SYNTHETIC too), opened
through a fresh cache; STORE108, optional: an only108-size store, for the
query figures again.  Run with the Python the build was configured for and
build/python on PYTHONPATH.  Prints one line per figure.
"""
import os
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


def rss():
    """Resident set now: total, file-backed (the store's mapped pages, shared
    with the page cache) and anonymous; and its peak (VmHWM), in MB.  Not
    getrusage's ru_maxrss: Linux carries that across exec, so a child started
    by a big parent reports the parent's size."""
    fields = {}
    with open("/proc/self/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            if k in ("VmRSS", "RssFile", "RssAnon", "VmHWM"):
                fields[k] = int(v.split()[0]) / 1024
    return (fields.get("VmRSS", 0), fields.get("RssFile", 0), fields.get("RssAnon", 0),
            fields.get("VmHWM", 0))


def child(store, nqueries):
    """Open the store and query nqueries stored cells; peak RSS at the end."""
    import copy
    import io
    import contextlib
    from nasbench import api
    with contextlib.redirect_stdout(io.StringIO()):
        nb = api.NASBench(store)
    hashes = list(nb.hash_iterator())[:100000]
    before = rss()
    specs = []
    for h in hashes:
        f, _ = nb.get_metrics_from_hash(h)
        specs.append(api.ModelSpec(f["module_adjacency"], f["module_operations"]))
    held = rss()[2] - before[2]
    t = time.perf_counter()
    for i in range(nqueries):
        nb.query(specs[i % len(specs)])
    q = nqueries / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in range(nqueries):
        nb.get_metrics_from_hash(hashes[i % len(hashes)])
    g = nqueries / (time.perf_counter() - t)
    # The floor of a fresh answer: one hash again and again, every page and
    # line hot, so what is left is making (and freeing) its dicts and floats.
    same = hashes[0]
    t = time.perf_counter()
    for i in range(nqueries // 4):
        nb.get_metrics_from_hash(same)
    hot = (nqueries // 4) / (time.perf_counter() - t)
    now = rss()
    peak = now[3]
    # The reference's get_metrics_from_hash is copy.deepcopy of its two
    # dicts (nasbench101-facts.md): the same deep copies of the same answers.
    fixed, computed = nb.get_metrics_from_hash(hashes[0])
    n = 20000
    t = time.perf_counter()
    for _ in range(n):
        copy.deepcopy(fixed)
        copy.deepcopy(computed)
    ref = n / (time.perf_counter() - t)
    print("query() of stored cells (SYNTHETIC store): %.0f /s; get_metrics_from_hash: %.0f /s "
          "(%d budgets; the reference's deep copies of the same answers alone: %.0f /s)"
          % (q, g, len(nb.valid_epochs), ref))
    print("get_metrics_from_hash of one hash again and again (all in cache: the cost of the "
          "fresh dicts and floats alone): %.0f /s" % hot)
    print("peak RSS of the open plus %d queries of each: %.0f MB; at the end %.0f MB = %.0f MB "
          "of the store's mapped file pages + %.0f MB anonymous, of which %.0f MB are the "
          "script's 100,000 ModelSpecs" % (nqueries, peak, now[0], now[1], now[2], held))


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
    if len(sys.argv) > 3:  # a second store, e.g. only108-size: the same figures
        out = subprocess.run([sys.executable, __file__, sys.argv[3], tfrecord, "--child",
                              "1000000"], stdout=subprocess.PIPE, universal_newlines=True,
                             check=True)
        print(out.stdout.strip())


if __name__ == "__main__":
    main()
