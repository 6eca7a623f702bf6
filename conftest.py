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
def _opens_a_browser(cls):
    try:
        source = inspect.getsource(cls)
    except (OSError, TypeError):
        return False
    return "start_tour(" in source or "browser_js(" in source


def _drives_a_browser(cls):
    """A test class whose tests, or an addon's class they inherit, start Chromium."""
    addon_classes = [klass for klass in cls.__mro__ if klass.__module__.startswith("odoo.addons.")]
    return any(_opens_a_browser(klass) for klass in addon_classes)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config, items):
    """Run each test module's test cases as Odoo's own runner selects them.

    The copies pytest alone collects are deselected (and counted as such):
    helpdesk_mgmt's test_js.py imports web's WebSuite, whose HOOT and QUnit
    page tests then run unfiltered or filtered to nothing (one waits for its
    30-minute timeout), and helpdesk_mgmt_sla re-runs helpdesk_mgmt's ticket
    tests in a fixture that archives their tickets (scripts/test.sh).

    The test classes that drive Chromium are marked `browser`: make test runs
    them apart, one at a time, once the others have run on every core (a tour
    step has 10 s, which a tour beside other tests on a busy machine can
    miss). Under pytest-xdist's loadgroup, a test file runs whole on one
    worker (its classes' set-up once)."""
    dropped = [item for item in items if not _odoo_runs(item)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if _odoo_runs(item)]
    loadgroup = getattr(config.option, "loadgroup", False)  # set in pytest-xdist's workers
    for item in items:
        cls = getattr(item, "cls", None)
        if cls and _drives_a_browser(cls):
            item.add_marker(pytest.mark.browser)
        if loadgroup:
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::")[0]))


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives headless Chromium (tours, HOOT)")


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
