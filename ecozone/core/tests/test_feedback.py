from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from ecozone.core.feedback import attempt


def request():
    made = RequestFactory().post("/")
    made.session = {}
    made._messages = FallbackStorage(made)
    return made


def test_a_refused_service_call_becomes_its_error_message():
    def refuse():
        raise ValidationError(["不能发布。", "请先补充材料。"])

    sent = request()
    assert attempt(sent, refuse, "已发布。") is False
    assert [(m.level_tag, m.message) for m in get_messages(sent)] == [
        ("error", "不能发布。 请先补充材料。")
    ]


def test_a_done_service_call_says_so_once():
    calls = []
    sent = request()
    assert attempt(sent, lambda: calls.append(1), "已发布。") is True
    assert calls == [1]
    assert [(m.level_tag, m.message) for m in get_messages(sent)] == [("success", "已发布。")]
    assert attempt(request(), lambda: None) is True  # no message asked for
