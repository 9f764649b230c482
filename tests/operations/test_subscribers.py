"""What follows an event runs in the declared order (blinker alone calls its receivers in the
order of a set, which changes with memory addresses)."""
from app.operations import subscribers
from app.operations.events import event_recorded


def test_subscribers_run_in_the_declared_order_every_time(app, monkeypatch):
    real = subscribers.SUBSCRIBERS
    calls: list[int] = []
    fakes = tuple(lambda application, n=n, **kwargs: calls.append(n) for n in range(8))
    monkeypatch.setattr(subscribers, "SUBSCRIBERS", fakes)
    for _ in range(20):
        calls.clear()
        event_recorded.send("application", event=None, decision=None)
        assert calls == list(range(8))
    # create_app connects one receiver, which calls the list: not each subscriber on its own.
    connected = [ref() if callable(ref) and not hasattr(ref, "__name__") else ref
                 for ref in event_recorded.receivers.values()]  # blinker keeps weak references
    assert subscribers.on_event_recorded in connected
    assert not set(real) & set(connected)


def test_materials_are_made_current_before_the_documents_that_list_them():
    order = [s.__module__ for s in subscribers.SUBSCRIBERS]
    assert order.index("app.operations.materials") < order.index("app.operations.documents")
    assert order.index("app.operations.documents") < order.index("app.operations.notifications")
