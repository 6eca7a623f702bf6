"""Project-wide pytest policy: a skipped test is a failure, not a pass.

A test skipped for want of a browser, of HTTP or of data proves nothing, so
the run fails and says which tests did not run.
"""


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.section("skipped tests fail this run", sep="!", red=True)
        for report in skipped:
            terminalreporter.line(f"SKIPPED {report.nodeid}: {report.longrepr[-1]}")


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1
