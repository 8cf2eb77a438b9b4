"""Who a question names: the members an archive's letters answer, read from their addressees."""
from __future__ import annotations

import re

from ..corpus.normalize import normalize_for_index
from ..corpus.places import SCOPE

_MEMBER_SPLIT = re.compile(r"[、，,；;和及与\s]+")
_TITLES = "委员|代表|同志|先生|女士|主席|主任"
_MEMBER_TITLE = re.compile(rf"^(?:尊敬的)?(?!{_TITLES})(?!{SCOPE})(?![省市州县区]?(?:人大|政协|全体|各位))(?P<name>[\u4e00-\u9fff]{{2,5}}?)(?<!代表团|委员会)(?<!中央)(?:等\d*[名位]?)?"
                           rf"(?:[省市州县区]?(?:政协|人大))?(?:{_TITLES})?$")  # 阿拉腾呼毕等7名政协委员, 王亚春区人大代表


def members_named(text: str, members: frozenset[str]) -> tuple[str, ...]:
    """The members of the archive (``archive_members``) that normalised ``text`` names."""
    return tuple(sorted(name for name in members if name in text))


def archive_members(addressees) -> frozenset[str]:
    """The names of the members the archive's letters answer, from their addressees (田宝辉、刘军军委员 ->
    田宝辉, 刘军军; 胡桂花等66位代表 -> 胡桂花; 張燕委員 -> 张燕; not 人大 of 市人大代表): read as a member wherever a
    question names them."""
    return frozenset(m["name"] for value in addressees if value
                     for part in _MEMBER_SPLIT.split(normalize_for_index(value))
                     if (m := _MEMBER_TITLE.match(part)))
