"""Short-reply intents (yes/no/cancel/skip/restart) and corrections ('电话说错了，是…')."""

from __future__ import annotations

import re

from ._text import clauses, normalize

_STRIP = re.compile(r"[\s,.;:!?~、，。！？…]+")
_AFFIRM_WORDS = (
    "对", "对的", "对对", "是", "是的", "是滴", "嗯", "嗯嗯", "恩", "好", "好的", "好滴", "好嘞", "行", "行的", "可以",
    "没问题", "没错", "确认", "确定", "同意", "提交", "就这样", "就这些", "ok", "okay", "yes", "y", "中", "要得", "妥",
    "没毛病", "对头", "嗯呢", "正确", "无误", "可以的", "可", "好吧", "对了", "就这", "这些", "信息", "都对", "全对",
    "这两个", "这几个", "这俩", "这两项", "这几项", "发吧", "发送", "没啥问题", "没什么问题", "没得问题", "就这么办", "就这么定", "那就这样", "就按这个",
)
_AFFIRM_TOKEN = "|".join(sorted(map(re.escape, _AFFIRM_WORDS), key=len, reverse=True))
_AFFIRM = re.compile(rf"^(?:{_AFFIRM_TOKEN})")
_COURTESY = re.compile(r"^(?:谢谢|多谢|感谢|辛苦了?|麻烦(?:你|您)?了?)(?:啊|呀|哈|了|你|您|啦)*")
_AFFIRM_TAIL = re.compile(rf"^(?:{_AFFIRM_TOKEN}|发出去|发送|发|上传|登记|交|吧|啊|呀|了|哦|的|呢|滴|嘞|哈|麻烦|帮我|直接|你|就|吗|没有|问题|"
                           r"谢谢|多谢|感谢|辛苦|啦|您)*$")  # '好的谢谢' agrees
_NEGATIVE = re.compile(r"(不对|不是|不行|不要|不用|不需要|不提交|错了|有误|不正确|不可以|不同意|不确认|^否|^no$|^n$|^不$|^没有$|^别)")
_CANCEL = re.compile(
    r"(取消|算了|不弄了|不登了|不报了|不填了|不办了|不搞了|不整了|不要了|不提了|不录了|不发了|不参加了|不去了|放弃|退出|"
    r"先不(?:登|报|填|弄|提交|办|搞|发|录)|不想(?:登|报|填|弄|搞|办)了|改天再说|下次再说|以后再说|回头再说|终止|撤销|撤回|作废|不用登记)"
)
_SKIP = re.compile(r"^(跳过|略过|略|没有|没|无|暂无|暂时没有|暂时没|还没有|还没|目前没有|不填|先不填|不清楚|不知道|不晓得|下一个|下一项|下一步|pass|skip|没得|冇|不需要|不用|无所谓|都行|随便|先空着|空着|留空|不方便)(了|吧|呢|啊)?$")
_RESTART = re.compile(r"(重新填|重填|重新开始|从头(?:再)?来|重来|重新登记|重新报|重新录|全部重新|推倒重来|重新来)")
_CORRECTION = re.compile(
    r"((?<![\u4e00-\u9fff])(?:[哦噢呃喔]|啊)不(?=$|[\s,，。])|说错了|打错了|写错了|搞错了|弄错了|填错了|输错了|记错了|错了|不对|(?<!是)不是(?!问题|很|太|特别|说|吗|么|吧)|改成|改为|换成|换为|改一下|改下|更正|纠正|应该是|其实是|"
    r"修改|更改|变更|(?:说|讲)得?不准确|讲错了|(?:不要|别|不用)(?:写|填)我(?![们的])|重新改|改到|改了|更新为|准确说|确切地说|口误|搬到|搬去|迁到|还是(?:写|填|留)|(?:名字|姓名|电话|号码|手机|单位|公司|地址|预算|行业|领域|名称|联系人)[^，,。]{0,4}(?:写成|填成)|(?:写成|填成)[^，,。]{1,12}吧)"
)
_FIELD_CUES = (
    ("contact_phone", r"电话|号码|手机|座机|联系方式|手机号"),
    ("contact_name", r"联系人|名字|姓名|称呼|对接人|负责人"),
    ("budget", r"预算|金额|价格|费用|经费|钱|待遇|年薪|月薪|工资"),
    ("region", r"区域|地区|地址|位置|在哪|搬到|搬去|迁到|所在地"),
    ("company", r"公司|单位|企业名|厂名|名称"),
    ("industry", r"行业|领域|产业"),
    ("need_type", r"需求类型|类型|需求类别"),
    ("maturity", r"成熟度|阶段|中试|小试|产业化|实验室"),
)
_UNCHANGED = re.compile(r"(不变|不用改|没变|照旧|还是那个|一样|"  # '电话就用我这个', '号码用原来的': the one on file stays
                        r"用(?:我|我的|原来|之前|刚才|上面)(?:的|这个|那个)?(?:号码?|电话|手机)?(?![^，,。；;]*\d))")


def _compact(text: str) -> str:
    return _STRIP.sub("", normalize(text)).lower()


def is_affirmative(text: str) -> bool:
    """A yes/confirm reply ('对，提交吧', '好的', '没问题', '确认')."""
    t = _COURTESY.sub("", _compact(text)) or _compact(text)  # '谢谢啊 提交吧'
    m = _AFFIRM.match(t)
    if m is None:
        return False
    return not _NEGATIVE.search(t.replace("没问题", "")) and bool(_AFFIRM_TAIL.match(t[m.end():]))


def is_negative(text: str) -> bool:
    """A no/deny reply ('不对', '不是', '不行', '错了')."""
    t = _compact(text)
    return bool(_NEGATIVE.search(t.replace("没问题", ""))) and not is_affirmative(text)


def is_cancel(text: str) -> bool:
    """The user abandons the current form ('取消', '算了，不弄了', '不报了')."""
    t = normalize(text)
    return bool(_CANCEL.search(t)) and not re.search(r"(不要取消|别取消|不取消|不是取消)", t)


_FIELD_SKIP = re.compile(r"^(?:这项|这个|这一项|这栏|这块|(?:预算|经费|费用|金额|钱|知识产权|专利|需求类型|类型|行业|领域|地区|职称)"
                         r"[^，,。]{0,6}?)(?:就|那就)?(?:先|暂时|暂)?(?:不填|不写|空着|跳过)(了|吧|呢|啊)?$")


def is_skip(text: str) -> bool:
    """The user skips an optional field ('跳过', '没有', '暂时没有', '预算没想好先不填')."""
    return bool(_SKIP.match(_compact(text))) or is_field_skip(text)


def is_field_skip(text: str) -> bool:
    """'预算没想好先不填', '这项先空着': one field is left open (the form goes on; no cancellation)."""
    return bool(_FIELD_SKIP.match(_compact(text)))


def is_restart(text: str) -> bool:
    """The user wants to start the form over ('重新填')."""
    return bool(_RESTART.search(normalize(text)))


def correction_position(text: str) -> int | None:
    """Position of the first correction cue in the normalised text, or None."""
    m = _CORRECTION.search(normalize(text))
    return m.start() if m else None


def has_correction_cue(text: str) -> bool:
    """True when the message corrects something ('说错了', '不对', '改成', '不是…是')."""
    return correction_position(text) is not None


def _fields_in(clause: str) -> set[str]:
    """Fields a clause names as changed; one said to stay ('电话不变') is left out, and so is every field when the
    clause only says something stays."""
    kept = {field for field, pattern in _FIELD_CUES if re.search(rf"(?:{pattern})\s*(?:就|都|也)?{_UNCHANGED.pattern}", clause)}
    if _UNCHANGED.search(clause) and not kept:
        return set()
    return {field for field, pattern in _FIELD_CUES if re.search(pattern, clause)} - kept


def _fields_by_value(clause: str) -> set[str]:
    from .amounts import extract_amounts
    from .phones import extract_phones
    from .regions import region_mentions

    found = set()
    if extract_phones(clause):
        found.add("contact_phone")
    elif extract_amounts(clause):
        found.add("budget")
    if region_mentions(clause):
        found.add("region")
    return found


def detect_correction(text: str) -> set[str]:
    """Fields a message corrects, named like extract_all keys ('电话说错了，是…' → {'contact_phone'})."""
    parts = clauses(normalize(text))
    fields: set[str] = set()
    for i, part in enumerate(parts):
        if not _CORRECTION.search(part):
            continue
        window = parts[max(0, i - 1):i + 2]
        named = _fields_in(part) or {f for p in window for f in _fields_in(p)}
        if "contact_name" in named:  # '联系人改成 韦强 138…': the new person comes with their phone
            named |= {f for p in parts[i:i + 3] for f in _fields_by_value(p)} & {"contact_phone"}
        fields |= named or {f for p in window[1 if i else 0:] for f in _fields_by_value(p)}
    return fields
