import gc
import threading

from ecozone.core.batch import collector_paused


def test_the_collector_is_paused_for_the_outermost_batch_and_restored_after():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner batch ending does not restart it
    assert gc.isenabled()


def test_a_collector_already_off_stays_off():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_error_inside_a_batch_still_restores_the_collector():
    try:
        with collector_paused():
            raise ValueError
    except ValueError:
        pass
    assert gc.isenabled()


def test_overlapping_batches_in_two_threads_restore_the_collector_once_both_end():
    inside, release = threading.Event(), threading.Event()

    def other():
        with collector_paused():
            inside.set()
            release.wait(5)

    thread = threading.Thread(target=other)
    thread.start()
    inside.wait(5)
    with collector_paused():
        pass
    assert not gc.isenabled()  # the other thread's batch is still running
    release.set()
    thread.join(5)
    assert gc.isenabled()


def test_objects_made_in_a_batch_are_not_walked_again_as_young_ones():
    started = []

    def spy(phase, info):
        if phase == "start":
            started.append(info["generation"])

    gc.callbacks.append(spy)
    try:
        with collector_paused():
            made = [[i] for i in range(50_000)]
        more = [[i] for i in range(100)]
    finally:
        gc.callbacks.remove(spy)
    # Left young, the 50,000 lists would have set off a collection at the next allocation.
    assert started == []
    assert len(made) + len(more) == 50_100
