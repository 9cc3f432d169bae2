"""pytest plugin: each test's outcome as one TAP line, for make check.

pytest has no TAP output of its own (and Debian has no pytest-tap), and
automake's tap-driver.sh lists every TAP line as a test result, which is how
.ci/run counts the Python tests beside the Check ones.  The TAP goes to the
file named by $CS_TAP_FILE, away from pytest's own output, whose lines could
otherwise be read as results.  A test is "not ok" when any of its phases
(setup, call, teardown) failed; a collection error is a failed line of its
own; a pytest run that ends in an internal or usage error adds one more.
"""

import os

_order = []
_outcome = {}


def _record(nodeid, outcome):
    if nodeid not in _outcome:
        _order.append(nodeid)
        _outcome[nodeid] = outcome
    elif outcome == "failed":
        _outcome[nodeid] = "failed"


def pytest_runtest_logreport(report):
    if report.failed:
        _record(report.nodeid, "failed")
    elif report.skipped:
        _record(report.nodeid, "xfail" if hasattr(report, "wasxfail") else "skipped")
    elif report.when == "call":
        _record(report.nodeid, "passed")


def pytest_collectreport(report):
    if report.failed:
        _record("collect " + (report.nodeid or "session"), "failed")


def pytest_sessionfinish(session, exitstatus):
    path = os.environ.get("CS_TAP_FILE")
    if not path:
        return
    lines = []
    for n, nodeid in enumerate(_order, 1):
        outcome = _outcome[nodeid]
        if outcome == "passed":
            lines.append("ok %d - %s" % (n, nodeid))
        elif outcome == "skipped":
            lines.append("ok %d - %s # SKIP" % (n, nodeid))
        elif outcome == "xfail":
            lines.append("not ok %d - %s # TODO expected failure" % (n, nodeid))
        else:
            lines.append("not ok %d - %s" % (n, nodeid))
    # 0: all passed, 1: some failed (listed above); anything else is pytest's
    # own failure (interrupted, internal error, usage error, no tests).
    if int(exitstatus) not in (0, 1) or not lines:
        lines.append("not ok %d - pytest exited with status %d" % (len(lines) + 1, int(exitstatus)))
    with open(path, "w") as f:
        f.write("1..%d\n" % len(lines))
        f.write("\n".join(lines) + "\n")
