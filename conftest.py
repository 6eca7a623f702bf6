"""Project-wide pytest policy: a skipped test is a failure, not a pass.

A test skipped for want of a browser, of HTTP or of data proves nothing, so
the run fails and says which tests did not run.

And the tests that run are those Odoo's own test runner would run: pytest
alone also collects imported and inherited test classes' methods (below).
"""

import functools
import inspect
import unittest

import pytest


def pytest_terminal_summary(terminalreporter):
    skipped = terminalreporter.stats.get("skipped", [])
    if skipped:
        terminalreporter.section("skipped tests fail this run", sep="!", red=True)
        for report in skipped:
            terminalreporter.line(f"SKIPPED {report.nodeid}: {report.longrepr[-1]}")


def _odoo_runs(item):
    """Whether Odoo's own test loader would run this test.

    odoo.tests.loader.get_module_test_cases takes, in a test module, only the
    TestCase classes defined there, and of each only the test methods in its
    own __dict__ (unless it sets allow_inherited_tests_method). pytest also
    collects a test class imported into another test module and every test
    method a class inherits: tests that the modules' authors, and OCA's CI,
    never run."""
    cls = getattr(item, "cls", None)
    if cls is None or not issubclass(cls, unittest.TestCase):
        return True
    if cls.__module__ != item.module.__name__:
        return False
    return getattr(cls, "allow_inherited_tests_method", False) or item.name in vars(cls)


@functools.cache
def _drives_a_browser(cls):
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return "start_tour(" in source or "browser_js(" in source


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Run each test module's test cases as Odoo's own runner selects them.

    The copies pytest alone collects are deselected (and counted as such):
    helpdesk_mgmt's test_js.py imports web's WebSuite, whose HOOT and QUnit
    page tests then run unfiltered or filtered to nothing (one waits for its
    30-minute timeout), and helpdesk_mgmt_sla re-runs helpdesk_mgmt's ticket
    tests in a fixture that archives their tickets (scripts/test.sh).

    Under pytest-xdist's loadgroup (make test), a test file runs whole on one
    worker, and the test classes that drive Chromium all on one worker, one
    browser at a time: two tours side by side on a busy machine can miss a
    tour step's 10-second limit."""
    dropped = [item for item in items if not _odoo_runs(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if _odoo_runs(item)]
    if getattr(config.option, "loadgroup", False):  # set in pytest-xdist's workers
        for item in items:
            cls = getattr(item, "cls", None)
            group = "browser" if cls and _drives_a_browser(cls) else item.nodeid.split("::")[0]
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter and reporter.stats.get("skipped") and exitstatus == 0:
        session.exitstatus = 1


@pytest.fixture(scope="session", autouse=True)
def _odoo_statics_read_once():
    """Read every addon's manifest once, before any test server thread does.

    The first browser page requests assets in parallel, and each server thread
    then parses manifests (ast) to build odoo.http.root.statics; on Python
    3.11 before 3.11.8 concurrent ast parsing can fail with "SystemError: AST
    constructor recursion depth mismatch" (CPython gh-106905): a tour that
    fails before it starts."""
    import odoo.http  # pytest-odoo has configured Odoo by now

    odoo.http.root.statics  # noqa: B018 (a lazy property, computed here)


@pytest.fixture(scope="session", autouse=True)
def _chromium_start_patience():
    """Give headless Chromium 60 s to start, not Odoo's 10 s.

    Odoo skips a tour whose browser has not written its DevTools port within
    ten seconds; on a CI machine busy with other builds Chromium can take
    longer, and a skipped tour fails this run (see above) for no fault of the
    code under test."""
    import odoo.tests.common

    odoo.tests.common.CHECK_BROWSER_ITERATIONS = 600
    odoo.tests.common.BROWSER_WAIT = (
        odoo.tests.common.CHECK_BROWSER_SLEEP * odoo.tests.common.CHECK_BROWSER_ITERATIONS
    )
