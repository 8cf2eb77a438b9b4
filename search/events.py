"""What a question asks happens (什么时候开工, 哪年通车) or a body does (由谁提供担保): the forms in which a sentence
answering it says so."""
from __future__ import annotations

import re

from .figures import WHO


# What happens at the time a question asks (什么时候开工, 哪年通车, 开通时间): a sentence dating it says it in one of
# its group's forms (开工 is dated by 动工 or 开建; 招标 completed dates no 开工).
EVENTS = (r"开工|动工|开建|启动建设|开始施工|进场施工", r"建成|完工|竣工|建设完成|完成[^，。；]{0,8}(?:建设|施工)|施工完成|投用|投入使用|交付",
          r"开通|通车|开行|运营|运行", r"施行|实施|执行|生效", r"启用|投用|投入使用|使用", r"开放|开馆|开园|开业",
          r"出台|印发|发布|颁布|公布", r"招标|中标", r"验收", r"有效期|有效至|截止|截至|到期",
          r"成立|组建|挂牌|设立", r"重启|恢复", r"通过", r"调整|上调|下调|调价")
_WHEN = r"(?:什么时候|啥时候|何时|哪年|哪一年|哪天|哪一天|几月|什么时间)"
_EVENT_ASKED = re.compile(rf"{_WHEN}(?:能|会|才|可以|可|将|要|正式|开始|能够|完成|进行)*(?:{'|'.join(EVENTS)})"
                          rf"|(?:{'|'.join(EVENTS)})(?:的)?(?:时间|日期|是{_WHEN}|于{_WHEN}|[到至]{_WHEN})")


# What a body asked of does (谁提供担保, 哪年谁批准建立的): a sentence naming the body says it.
_ACTIONS = r"审批|批准|提供|承办|出资|验收|担保|经营|运营"  # not 负责, 牵头, 管理: 由县长任组长 answers 谁牵头
_ACTION_ASKED = re.compile(rf"(?:{WHO})(?:来|去|在|统一|具体|主要)?({_ACTIONS})")


def action_asked(question: str) -> str | None:
    """What an org question asks the body does (``由谁提供担保`` → 提供), None when it names no such act."""
    asked = _ACTION_ASKED.search(question)
    return asked.group(1) if asked else None


def events_asked(question: str) -> re.Pattern | None:
    """What a time question dates, as a pattern of its forms (``什么时候开工`` → 开工|动工…), None when it names
    no event next to its question word (哪天组织…运营商去现场查看: 运营 is no event there)."""
    asked = _EVENT_ASKED.search(question)
    if asked is None:
        return None
    return re.compile("|".join(group for group in EVENTS if re.search(group, asked.group())))
