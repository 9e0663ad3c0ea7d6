"""Event sign-ups through the real webhook: the failure class found by replaying
``tests/support/data/dialogues_voices11.jsonl`` before changing anything — someone signed up for a grandparent,
with the user's own phone left for them ('电话留我的'), was recorded under the user's name.
"""

from __future__ import annotations

import pytest

from bot.container import Container
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, registration = forms_chat.say, forms_chat.registration


@pytest.mark.parametrize(("openid", "along", "party"), [
    ("v11_for_grandpa_along", "，我也陪他去", (2, ["韩晓东"])),
    ("v11_for_grandpa_alone", "", (1, [])),
])
def test_the_one_signed_up_for_with_my_phone_is_the_registrant(wx: object, services: Container, openid: str,
                                                                along: str, party: tuple[int, list[str]]) -> None:
    """'替我外公报个名', then '外公叫韩德厚，手机留我的…，我叫韩晓东': the grandfather is signed up; the user is a
    companion only when going along."""
    say(wx, openid, "替我外公报个名 高血压那个讲座")
    say(wx, openid, f"外公叫韩德厚，手机留我的13800091101，我叫韩晓东{along}", "同意")
    reg = registration(services, openid)
    assert (reg.name, reg.party_size, list(reg.companions)) == ("韩德厚", *party)
