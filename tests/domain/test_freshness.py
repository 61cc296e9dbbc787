"""Noticing other coordinators' changes: polling the audit trail (any database) and
PostgreSQL's notifications."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import Engine

from coordinator.context import Context
from coordinator.minutes import tasks
from coordinator.network.freshness import ChangePoller, listen
from coordinator.validation import ValidationError
from storage.audit import take_own
from storage.models import Task
from storage.uow import transaction
from tests.conftest import ON_POSTGRES


def test_the_poller_sees_a_commit_and_nothing_else(engine: Engine) -> None:
    poller = ChangePoller(Context(engine=engine))
    assert poller.changed() is False  # the first look only notes where the trail stands
    assert poller.changed() is False
    tasks.create_task(engine.execution_options(coordinator_actor="Ben"), "Saal buchen")
    assert poller.changed() is True
    assert poller.changed() is False


@pytest.mark.skipif(ON_POSTGRES, reason="the poller is SQLite's; PostgreSQL notifies")
def test_the_poller_leaves_out_the_sessions_own_saves(engine: Engine) -> None:
    anna = Context(engine=engine, actor="Anna")
    poller = ChangePoller(anna)
    assert poller.changed() is False
    tasks.create_task(anna.engine, "Von Anna")
    assert poller.changed() is False  # her own save: her screens show it already
    tasks.create_task(anna.engine, "Noch einmal Anna")
    tasks.create_task(engine.execution_options(coordinator_actor="Ben"), "Von Ben")
    tasks.create_task(anna.engine, "Und Anna")
    assert poller.changed() is True  # Ben's entry among hers
    assert poller.changed() is False
    with pytest.raises(ValidationError):  # a save of hers that rolls back ...
        tasks.create_task(anna.engine, "x" * 1000)
    with pytest.raises(RuntimeError), transaction(anna.engine) as session:
        session.add(Task(title="Verworfen"))
        session.flush()  # entry written, then the transaction is given up
        raise RuntimeError
    assert take_own(anna.session_token, up_to=10**9) == set()  # its id was taken back
    tasks.create_task(engine.execution_options(coordinator_actor="Ben"), "Wieder Ben")
    assert poller.changed() is True  # ... leaves no id behind that would hide Ben's


@pytest.mark.skipif(not ON_POSTGRES, reason="notifications are PostgreSQL's (COORDINATOR_TEST_DB)")
def test_notifications_name_the_other_session_and_skip_our_own(engine: Engine) -> None:
    anna = Context(engine=engine, actor="Anna")
    heard: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=listen, args=(anna, stop.is_set, heard.append))
    thread.start()
    try:
        time.sleep(0.5)  # listening
        tasks.create_task(anna.engine, "Von Anna")  # her own session: not reported
        tasks.create_task(engine.execution_options(coordinator_actor="Ben"), "Von Ben")
        deadline = time.monotonic() + 5
        while not heard and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
    finally:
        stop.set()
        thread.join(timeout=5)
    assert heard == ["Ben"]


@pytest.mark.skipif(not ON_POSTGRES, reason="notifications are PostgreSQL's (COORDINATOR_TEST_DB)")
def test_listening_again_after_a_lost_connection_catches_up_once(engine: Engine) -> None:
    heard: list[str] = []
    listen(Context(engine=engine), lambda: bool(heard), heard.append, catch_up=True)
    assert heard == [""]  # one refresh for whatever was missed
