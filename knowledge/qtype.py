"""Answer typing: what a question asks for (amount, date, person, place, list, definition, procedure, eligibility,
yes/no), whether a passage carries that kind of fact, and the noun a detail question asks about (its focus).

An answer is given only when its text contains the asked type; otherwise the reply says which detail the
document does not state (a typed decline).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from knowledge.lexical import _jieba, _lock

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千半]+)"


@dataclass(frozen=True)
class Kind:
    """One answer type: the question cue, the pattern of text that answers it, how a decline names it.

    ``narrow`` refines the evidence for some cues: (question cue, evidence); the first whose cue the question
    matches replaces ``evidence`` (a 地址 question needs a street address, not just a service window).
    ``heading`` marks section headings of this type (一、申报流程 for a procedure question).
    """

    name: str
    cue: str
    evidence: str
    missing: str  # "资料里没有写明{focus}{missing}", e.g. 是多少
    detail: bool = False  # a detail type: its focus noun must occur in the document
    narrow: tuple[tuple[str, str], ...] = ()
    heading: str = ""
    unnamed: str = ""  # how a decline names the detail when the question names no noun: 具体金额


_MONEY = rf"{_NUM}\s*(?:万元|元|亿元|%|倍)|免费|不收费|收取|全额|减半|差额|不予|不再"
_WHO = r"[\u4e00-\u9fff]{1,3}(?:老师|先生|女士|科长|主任|处长|教授|经理)|联系人"
_ORG = r"公司|银行|大学|学院|学校|机构|中心|协会|学会|研究院|研究所|医院|[局科处部]（|事务所|支行"
_ADDRESS = r"[路街道]\S{0,8}?\d+号|\d+号|\d+楼|\d+室|[一二三四五六七八九十]楼|大厅|大楼|大厦"
_ONLINE = r"网站|平台|栏目|公众号|小程序|系统|网址|邮箱|@|菜单|下载"

# Priority order: the first kind whose cue matches is the question's type.
KINDS: tuple[Kind, ...] = (
    Kind("list", r"哪些|哪几|几类|几种|分几(?!分)|包括什么|包括哪|包含哪|都有啥|都有什么|都有哪|什么材料|啥材料|哪几个方面|几个方面|几条|"
                 r"几档|几级|几个等级|都是些?谁|都有谁|都是哪些人",
         r"", "具体有哪些",
         narrow=((r"(?:哪些|哪几位|都有)(?:人|专家|老师)|(?:人|专家|老师|成员)(?:有|是|都有)哪些|都是些?谁|有谁", _WHO),
                 (r"哪些(?:单位|企业|公司|机构|银行|学校|高校|医院)|哪几(?:家|个单位|所)|都是哪", _ORG)), unnamed="具体名单"),
    Kind("definition", r"什么意思|啥意思|是什么$|是啥$|是什么东西|什么叫|啥叫|指什么|指的是什么|干啥的|干什么的|做什么的|干嘛的|搞么事的|做么子的|干么子的|是搞么事|"
                       r"什么区别|啥区别|有什么不同|什么是|啥是|是个什么东西|是个啥|定义|含义",
         r"是指|指的是|是.{2,}|即|称为|所称|就是|也算|视为|叫做|区别", "是什么意思", heading=r"什么是|是什么|简介|定义|含义|介绍|概述"),
    Kind("person", r"找谁|联系谁|问谁|哪位|些谁|谁负责|联系人|联系方式|电话|热线|手机号|邮箱|咨询谁|都有谁|是谁|哪个部门|给谁|由谁|谁来|"
                   r"哪家(?=.{0,4}(?:公司|银行|机构|单位|医院|学校|高校|保险))",
         r"\d{3,4}-\d{7,8}|\d{11}|联系人|@|部门|[部局处科办]（|中心|银行|公司|协会", "是谁、怎么联系", detail=True,
         narrow=((r"手机", r"(?<!\d)1\d{10}(?!\d)"),  # a mobile number, not the office's landline
                 (r"找谁|联系谁|问谁|咨询谁|联系方式|电话|热线", r"\d{3,4}-\d{7,8}|\d{11}|@"),
                 (r"谁负责|负责人|是谁|哪位", _WHO)),
         heading=r"咨询|联系", unnamed="联系人"),
    Kind("place", r"在哪|哪里|哪儿|地址|门牌|地点|什么地方|去哪(?!天)|到哪(?!天)|送哪|交哪|哪个(?:小区|地方|楼|位置)|几楼|几路",
         r"地址|地点|路\d*号|\d+号|\d+楼|楼|室|大厅|窗口|栏目|公众号|网站|小程序|平台|系统|提交至|送至|送达|服务站",
         "在哪里",
         detail=True,
         narrow=((r"下载|网上|在线|线上|网址|链接|入口", _ONLINE), (r"地址|门牌|几楼|几路|哪个(?:小区|楼)", _ADDRESS)),
         heading=r"咨询|联系|地址|地点", unnamed="具体地点"),
    Kind("money", r"多少钱|几万|多少万|[补奖给贷贴借拿领发扣抵减退交付]多少|额度|金额|收费|要钱|收钱|花钱|免费|给钱|费用?多少|多少费|"
                  r"工资|薪|津贴|利率|利息|多少(?:补贴|补助|奖励|资助|经费|奖金)|(?:补助|资助|经费|奖金)(?:是|有|给)?多少|"
                  r"[出掏交付]钱|给[\u4e00-\u9fff]{1,3}多少(?![个名人次天年家项件场位])|"
                  r"(?:补贴|补助|奖励|资助|奖补|经费|费用?|房租|租金)\S{0,2}(?:怎么样?|咋|如何)(?:算|计算|给|收)",  # 奖励咋算的: the rate
         _MONEY, "是多少", detail=True, unnamed="具体金额",
         narrow=((r"(?:花钱|收费|要钱|收钱|交钱|付费|免费|掏.{0,3}钱|出.{0,3}钱)(?!\S{0,2}多少)",  # not 收费多少: the sum
                  rf"免费|不收费|收费|收取|加收|自付|承担|{_NUM}\s*(?:元|%)"),)),
    Kind("date", r"什么时候|啥时候|何时|几月|几号|几点|哪天|截止|截至|最晚|最迟|期限|多久|多长时间|几天|几个工作日|有效期|几年|"
                 r"多少天|多少年|几个月|什么时间|(?:申报|受理|报名|申请)时间|日期|开班|开课",
         rf"{_NUM}\s*月(?:{_NUM}\s*日)?|{_NUM}\s*日|{_NUM}\s*(?:个)?(?:工作日|天|年|个月|小时|周|分钟)|年底|月底|季度|即时|当天|长期",
         "的时间", detail=True,
         narrow=((r"(?:多久|多长时间|几天|多少天|几个月|几年|几个工作日)(?:以)?内", rf"{_NUM}\s*个?(?:工作日|天|日|个月|年|"
                  r"小时|周)(?:以)?内"),  # 多长时间内要申请: the time limit (6个月内), not another period (满1年)
                 (r"几号|哪天|哪一天|哪日", rf"{_NUM}\s*[日号]|当天|当日|即时|随时"),
                 (r"有效期|管几年|几年有效|管多久|有效多久", rf"有效期|有效|{_NUM}\s*年"),
                 (r"几点|上班|下班|办公时间", rf"\d{{1,2}}[:：]\d{{2}}|{_NUM}\s*点|上午|下午"),
                 (r"几年|多少年", rf"{_NUM}\s*(?:个)?(?:年|周年)(?![度初底末])"),
                 (r"几天|多少天|几个工作日|多少个工作日", rf"{_NUM}\s*个?(?:工作日|天|日)(?!前)|当天|当日|即时"),
                 (r"几个月|多少个月", rf"{_NUM}\s*个月"),
                 (r"最迟|最晚|截止|截至", rf"{_NUM}\s*月|{_NUM}\s*日|年底|月底|"  # 活动开始12小时以前
                                       rf"{_NUM}\s*个?(?:工作日|天|小时|分钟)(?:以前|之前|前|内)"),
                 (r"什么时候|啥时候|何时|几月|什么时间|(?:申报|受理|报名|申请)时间|日期|开班|开课",
                  rf"{_NUM}\s*月|{_NUM}\s*日|年底|月底|年初|季度|上半年|下半年|即时|当天|随时|长期"),), unnamed="具体时间"),
    Kind("amount", r"多少|几万|额度|金额|比例|几成|百分之几|最高|上限|收费|要钱|收钱|花钱|免费|给钱|几[个名人次场家项倍份张套本台件]|多大|面积",
         rf"{_NUM}\s*(?:万元|元|亿元|%|倍|人|名|次|场|个|家|件|项|平方米|平米|亩|分|周岁|岁|小时|天|年|个月|学时|课时|学分)|免费|不收费|"
         r"差额|全额|减半|不予|不再",
         "是多少", detail=True, unnamed="具体数字",
         narrow=((r"占多少|比例|百分之几|几成|占比|百分比", r"\d+(?:\.\d+)?\s*%|百分之|[一二三四五六七八九]成"),)),
    Kind("procedure", r"怎么|如何|咋|流程|步骤|程序|手续|怎样|办理|一次.{0,6}吗|分几次|会怎",
         r"提交|申请|申报|审核|办理|登录|填写|报送|拨付|受理|公示|流程|先|再|然后|通过|整改|撤销|取消|预约", "的办理方法",
         heading=r"流程|步骤|程序|办理|怎么|如何|(?<!联系)方式"),
    Kind("benefit", r"好处|有啥用|有什么用|有么子?用|能享受(?:什么|啥|哪些)|享受(?:什么|啥|哪些)|有(?:什么|啥|哪些|么子)(?:优惠|支持|扶持|政策)|"
                    r"能(?:得到|拿到)(?:什么|啥|哪些)",
         r"享受|优惠|奖励|减按|补贴|资助|支持|优先|税|万元", "的好处",
         heading=r"好处|享受|优惠|支持|扶持|奖励|激励|待遇|能得到"),  # 入库有啥好处: 五、入库后能享受什么, not the contact
    Kind("eligibility", r"条件|要求|资格|门槛|限制|符合|够不够|能不能申请|能申请|可以申请|还能|够格|能享受|能进|能当|"
                        r"(?:能|可以|可不可以|能不能)(?:评|认定|入库|申报)(?!价|估|审|奖|分)|(?:评|认定|申报)得(?:上|了)",
         r"须|应|需|不超过|不少于|以内|以上|以下|满|具有|条件|不予|可以|不能|不受|限|符合|均可|不得", "的条件",
         heading=r"条件|对象|谁可以|资格|要求"),
    Kind("attribute", r"(?:什么|啥)(?=[\u4e00-\u9fff])", r"", "的具体要求"),  # 联络员要什么学历: 学历 must be written
    Kind("yesno", r"吗|[不没]$|能不能|可不可以|是不是|算不算|有没有|要不要|行不行|是否|[不没][\s？?。]", r"", "的相关规定"),
)
BY_NAME = {kind.name: kind for kind in KINDS}
# Nouns that never name the detail asked: agents, fillers, and the words of the asked type itself (补贴多少).
_GENERIC = ("政府 国家 市里 部门 单位 公司 企业 个人 人 我们 你们 他们 钱 东西 情况 事 事情 时候 问题 结果 时间 办法 政策 "
            "方面 地方 一般 具体 规定 补贴 奖励 资助 经费 费用 金额 比例 额度 数额 标准 奖金 补助 补偿 日期 地址 地点 电话 "
            "收费 免费 要钱 联系方式 联系人 时候 期限 小时 天数 年限 月份 次数 人数 个数 单价 "
            "流程 程序 步骤 线下 现场 当面 办公 上班 起码 至少 最少 最多 顶多 至多 最高 最低 封顶 上限 顶格 大概 顺便 一共 总共 大约 左右")
GENERIC_NOUNS = frozenset(_GENERIC.split(" "))
_BOUNDS = ("起码", "至少", "最少", "最多", "顶多", "至多", "最高", "最低", "封顶", "上限", "顶格")  # 顶多能 read as one noun is still a bound
ASKED_ABOUT = frozenset({"list", "yesno", "procedure", "attribute"})  # types whose focus is what the question is about
STRICT = frozenset({"money", "amount", "date", "person", "place", "list"})  # types whose absence makes a typed decline
LIST_MIN_ITEMS = 2


# Dialect and colloquial question words (Hubei 几多/好多/么子, 啥子, 钟头; English words) and their standard forms,
# so that the answer type and the asked detail are read the same way whichever voice asks.
COLLOQUIAL: tuple[tuple[str, str], ...] = (
    (r"^(?:老师|领导|同志|师傅|您好|你好)(?:您好|你好)?[\s，,！!]+", ""),  # a greeting of the assistant asks nothing
    (r"(?<=[县区镇乡])里(?=[\u4e00-\u9fff])(?![面头边])", ""),  # 区里对…配套: the district (县（市、区）)
    (r"几多", "多少"),
    (r"几个钱", "多少钱"),  # 给几个钱: how much money, not a count
    (r"几块钱?|几毛钱?", "多少钱"),  # 一个人头补几块
    (r"(?<=上午|下午|早上|晚上)几个点|几个点(?=到|钟|半|\S{0,4}?(?:上班|下班|开门|关门|开始|结束))", "几点"),  # 几个点下班: the hour
    (r"几个(?:百分)?点", "百分之几"),  # 按几个点算: percentage points
    (r"(?<![需主只就还总重不想])要是(?=[\u4e00-\u9fff])", "如果"),  # 要是从普通中心升上去: if, not 要/是从
    (r"好多(?=钱|万|块|年|天|人|个|次|名|家|分|学时|小时|平|$|[？?，,。！!\s])", "多少"),
    (r"好大(?=$|[？?，,。！!\s]|面积|地方|场地|才|就|呢|啊|哦|嘛)", "多大"),
    (r"(?<=[一二三四五六七八九十百千万\d])几", "多"),  # 二十几年, 十几个: an approximate number, not a question
    (r"(?<=[近这前头])几(?=年|个月|天|次|回)", "些"),  # 近几年增长很快: recent years, not a question
    (r"好久|好长时间|多长时候", "多久"),
    (r"(?<![什怎这那多])么(?:子|事|斯)|啥子", "什么"),
    (r"(?<=有)么(?=[\u4e00-\u9fff]{2})", "什么"),
    (r"(?<=[我们咱俺]有)几(?=[个台家名位套项件]\S{0,16}[，,])", "一些"),  # 我们有几台设备是租来的，能算吗: a statement
    (r"(?<=[我你他她咱俺]们)几[个位]人?(?=[都还也想要准打一刚是在没不])", "一些人"),  # 我们几个还没注册公司: a few of
    # us (the subject, before its verb), not a count asked
    (r"(?<=[个些是叫做干搞为讲])么(?![样])(?=[\u4e00-\u9fff])|(?:^|(?<=[\s，,。？?！!]))么(?=叫|是|意思|地方)|(?<![什怎这那多要])么(?=时候|条件|要求|材料|手续|资料|东西|意思|地方|单位|部门|用)", "什么"),  # 是个么意思, 么叫
    (r"(?<=[找问])哪个(?![\u4e00-\u9fff])|(?<=[是找])哪个(?=$|[\s，,。？?！!])", "谁"),  # 找哪个
    (r"(?<=[人长任师家员记理])(?:是)?叫(?:什么|啥)名字?", "是谁"),  # 负责人叫什么名字: a person's name is asked
    (r"叫(?:什么|啥)名字?", "叫什么"),  # 这个政策叫什么名字: a thing's name, answered with its document
    (r"(?<![怎这那什])么样", "怎么样"),
    (r"啷个|咋个", "怎么"),
    (r"咋整|咋搞|咋弄|怎么整", "怎么办"),
    (r"钟头", "小时"),
    (r"几时(?![候间])", "什么时候"),  # 几时申报: when (Hubei, Sichuan), not a count of hours
    (r"几回", "几次"),
    (r"冇得|冒得|没得", "没有"),
    (r"有冇", "有没有"),
    (r"冇(?=$|[\s，,。？?！!啊呢])", "没"),  # 在上面冇: a yes/no question
    (r"什么人|啥人", "谁"),
    (r"(?<=\d)\s*[wW](?![A-Za-z])(?![^，,。？?]{0,3}(?:激光|电机|灯|功率|光伏|逆变|电源|风机|马达|发电))", "万"),  # 150w:
    # the usual written abbreviation of 万 after a number; not watts ('500W的激光器')
    (r"(?i)deadline", "截止日期"),
    (r"(?i)(?<![a-z])(?:thx|thanks|thank you|tks|pls|plz|please)(?![a-z])", ""),  # courtesy words ask nothing
    (r"(?i)certificate", "证书"),
)


def standard(text: str) -> str:
    """The question with dialect and colloquial question words in their standard form (几多钱 → 多少钱)."""
    for pattern, replacement in COLLOQUIAL:
        text = re.sub(pattern, replacement, text)
    return text


_INTERROGATIVE = re.compile(r"多少|(?<![那这])几|哪|什么|啥|谁|怎|咋|如何|何时|多久|多长|多大|多高|多远")
_ACTION_ASKED = re.compile(r"能|可以|可不可以|算|是不是|要不要|会不会|需不需要|用不用|行不行|成不成|让不让|允许")
DETAIL_KINDS = frozenset({"person", "place", "money", "date", "amount"})
_DETAIL_NOUN = re.compile(r"工资|薪|津贴|利率|利息|邮箱|电话|联系方式|手机号|热线|联系人|地址|地点|有效期|期限|日期|截止|截至|"
                          r"额度|金额|面积|上限|最高")


_A_NOT_A_VERB = re.compile(r"([\u4e00-\u9fff])不\1")


def classify(text: str) -> Kind | None:
    """The question's answer type (first matching cue in priority order), or None for a statement.

    A detail type cued only by a noun (工资, 邮箱, 有效期) with no question word, in a question asking whether an
    action may be done (工资能算进加计扣除里头不, 能发到我邮箱吗), is a yes/no question, not a request for that detail.
    A question with no cue but an A-not-A verb (热不热, 会不会下雨) is a yes/no question."""
    stripped = text.strip()
    kind = next((kind for kind in KINDS if re.search(kind.cue, stripped)), None) \
        or (BY_NAME["yesno"] if _A_NOT_A_VERB.search(stripped) else None)  # 热不热, 会不会下雨: whether
    cued = list(re.finditer(kind.cue, stripped)) if kind else []
    if not (kind and kind.name in DETAIL_KINDS and all(_DETAIL_NOUN.fullmatch(m.group(0)) for m in cued)):
        return kind
    if not _INTERROGATIVE.search(stripped):  # 工资能算进加计扣除里头不: whether, not how much
        yesno = _ACTION_ASKED.search(stripped) and re.search(BY_NAME["yesno"].cue, stripped)
        return BY_NAME["yesno"] if yesno else kind
    if any(_asks_about(stripped, m) for m in cued):
        return kind  # 电话是多少, 利息多少
    masked = stripped
    for m in cued:
        masked = masked[:m.start()] + "某" * len(m.group(0)) + masked[m.end():]
    return classify(masked) or kind  # 贷款利息 今年几月份去报: a date; 几天才有人打电话来: a duration


def _asks_about(text: str, noun: re.Match[str]) -> bool:
    """Whether a question word asks about the noun: right after it or right before it, in the same clause."""
    after = re.split(r"[\s，,。；;？?！!]", text[noun.end():], maxsplit=1)[0][:4]
    before = re.split(r"[\s，,。；;？?！!]", text[:noun.start()])[-1][-4:]
    return bool(_INTERROGATIVE.search(after) or _INTERROGATIVE.search(before))


_COUNTED = re.compile(r"(?:多少|几)个?(家|名|人|次|场|项|件|所|位|批|期|倍|亩|平方米|岁|小时|分|张|台|套|份|本)|(?:多少|几)(个)")
_UNITS = ("家所个", "名人位", "次场期批", "项件个")  # units that count the same things


def evidence_for(kind: Kind, question: str = "") -> str:
    """The pattern of text that answers ``question`` (a narrowed one when the question's cue asks for it; a count
    question needs its unit: 多少家 → 3家)."""
    counted = _COUNTED.search(question) if kind.name == "amount" else None
    if counted and counted.group(1):
        unit = counted.group(1)
        same = "".join(group for group in _UNITS if unit in group) or unit
        also = _UNIT_ALSO.get(unit, "")
        return rf"{_NUM}\s*[个周]?(?:[{same}]|{unit}){also}"
    if counted:  # 几个三星, 多少个服务站: a count of things (not times, nor people unless people are counted)
        counted_noun = _CLAUSE_END.split(question[counted.end():], maxsplit=1)[0]
        people = "" if counted_noun and not _PEOPLE.search(counted_noun[:8]) else "名人位"
        return rf"{_NUM}\s*(?:[家所项件{people}]|个{_NOT_A_COUNT})"
    return next((evidence for cue, evidence in kind.narrow if re.search(cue, question)), kind.evidence)


_UNIT_ALSO = {"倍": r"|\d+(?:\.\d+)?\s*%"}  # 按成本的几倍: 200%
_CLAUSE_END = re.compile(r"[\s，,。；;？?！!]|[吗呢啊呀吧]")
_PEOPLE = re.compile(r"人|员|者|师|专家|士|代表|干部|学生")
_NOT_A_COUNT = r"(?!月|工作日|小时|星期|季度|学时|课时|百分点)"  # 6个月 is a duration, not six things


_NAMED_YEAR = re.compile(r"[上本去今明次]一?(?:会计)?年度")
_RELATIVE_PERIOD = re.compile(r"[上近前本去今明次](?:[一二两三四五六七八九十\d]+个?)?(?:会计年度|年度|年|个月|季度)")


def carries(kind: Kind | None, text: str, question: str = "") -> bool:
    """Whether ``text`` contains the kind of fact ``question`` asks for (lists: at least two items)."""
    if kind is None or kind.name == "yesno":
        return True
    pattern = evidence_for(kind, question)
    if kind.name == "amount":
        text = _RELATIVE_PERIOD.sub("", text)  # 上一年度, 近三年: which period, not how much
    elif kind.name == "date":
        text = _NAMED_YEAR.sub("", text)  # 上一年度营业收入: which year's figures, not a time or a duration
    if kind.name == "list":  # a list of people or organisations names at least two of them
        return list_items(text) >= LIST_MIN_ITEMS and (not pattern or len(re.findall(pattern, text)) >= LIST_MIN_ITEMS)
    return bool(re.search(pattern, text))


ASKING = re.compile(r"^(?:几.?|百分之.{0,2}|多少.?|多长.{0,2}|多久|多大|多远|多快|哪.{0,2}|啥.{0,2}|什么.{0,2}|怎么.{0,2}|怎样|咋.?|如何|是否|能否|可否|有没有|能不能|"
                    r"要不要|是不是|可不可以|一共|总共|还要|不要|需不需要|谁|行不行|成不成|中不中|好不好|对不对|算不算|属不属于|够不够|行|成)$")


_AGENTS = "政府 国家 市里 省里 上面 官方 你们 他们 咱们 人家 跟 和 给 一方"
AGENTS = frozenset(_AGENTS.split(" "))


def asking_word(word: str) -> bool:
    """Whether a token only asks (哪些, 几档, 啥意思, 多少钱) or names no content (政府 in 政府能补多少, 跟)."""
    return bool(ASKING.match(word)) or word in AGENTS


_PROCEDURE_WORDS = "条件 材料 流程 手续 资料 要求 资格 门槛 截止 窗口 网上 线上 现场 程序 步骤 表格 申报 申请 办理 提交 审核 审批 评审 受理 公示 兑现 拨付 发放 到账"
_PROCEDURE = frozenset(_PROCEDURE_WORDS.split(" "))


def names_a_topic(text: str) -> bool:
    """Whether a question names what it is about ('博士有补贴吗': 博士), not only what it asks ('什么时候申报',
    '要哪些材料', '找谁办': a follow-up of whatever was asked last)."""
    return any(t[3] and t[2] not in GENERIC_NOUNS and t[2] not in _PROCEDURE and not asking_word(t[2])
               for t in _tokens(text))


def list_items(text: str) -> int:
    """How many items a passage enumerates (list lines, or parts separated by 、/；)."""
    lines = [line for line in text.splitlines() if re.match(r"\s*(?:[-*•]|\d+[.、]|[（(](?:\d+|[一二三四五六七八九十]+)[)）])", line)]
    if len(lines) >= LIST_MIN_ITEMS:
        return len(lines)
    return max(len(re.split(r"[；;]", text.strip("；;。"))), len(re.split(r"[、]", text)))


@lru_cache(maxsize=1)
def _posseg() -> Any:
    """jieba's part-of-speech tokenizer over the domain-dictionary tokenizer."""
    import jieba.posseg

    return jieba.posseg.POSTokenizer(_jieba())


_NOUN_FLAGS = ("n", "nz", "ng", "nt")
_MODALS = "能可会要得该想"  # 能带 tagged as a noun is still a verb


def warm() -> None:
    """Load the part-of-speech tables now (about a second) rather than inside the first detail question."""
    _tokens("预热")


def _tokens(text: str) -> list[tuple[int, int, str, bool, str]]:
    """(start, end, word, is a noun, part-of-speech flag) of each token of ``text``."""
    with _lock:
        pairs = _names([(p.word, p.flag) for p in _posseg().lcut(text, HMM=False)])
    out, pos = [], 0
    for word, flag in pairs:
        noun = (flag in _NOUN_FLAGS and len(word) >= 2) or (flag == "nr" and len(word) >= 3)  # 红马甲 read as a name
        out.append((pos, pos + len(word), word, noun, flag))
        pos += len(word)
    return out


def _names(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Runs of one-character name tokens joined into one name (王/晓/梅 → 王晓梅: a person's name jieba doesn't know)."""
    out: list[tuple[str, str]] = []
    joinable = False  # the last token is a one-character name token or a run of them
    for word, flag in pairs:
        single = flag == "nr" and len(word) == 1
        if single and joinable and len(out[-1][0]) < 4:
            out[-1] = (out[-1][0] + word, "nr")
        else:
            out.append((word, flag))
            joinable = single
    return out


def nouns_and_verbs(text: str) -> list[str]:
    """The nouns, verbs and time words of a text in order (no adverbs, pronouns or particles: 直接, 顺便, 一起 name nothing)."""
    return [t[2] for t in _tokens(text) if t[4][:1] in "nvt" or t[4] in ("l", "i", "j", "eng")]


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part-of-speech flag) of each token of ``text``."""
    return [(t[2], t[4]) for t in _tokens(text)]


def nouns_of(text: str) -> list[str]:
    """The nouns of a text, one-character ones included (狗 in 养狗)."""
    return [t[2] for t in _tokens(text) if t[4][:1] == "n"]


_CLAUSE_BREAKS = frozenset("，,。；;？?！! \u3000")
_LINK_WORDS = "是 有 要 能 可 可以 会 给 发 拿 领 得 需 需要 该 应该 一共 总共 最多 最高 大概"
_LINKS = frozenset(_LINK_WORDS.split(" "))


def _linked(tokens: list[tuple[int, int, str, bool, str]], end: int, start: int) -> bool:
    """Whether a noun ending at ``end`` is what the cue at ``start`` asks about: no other verb stands between them
    nor a clause break (导师每年有多少补助: 导师; 仪器得提前几天约: the days are the booking's, not the instrument's)."""
    between = [t for t in tokens if end <= t[0] and t[1] <= start]
    return not any((t[4][:1] in "vz" and t[2] not in _LINKS) or t[2] in _CLAUSE_BREAKS for t in between)


def focus(kind: Kind | None, text: str) -> tuple[str, ...]:
    """The nouns a detail question asks about: the noun phrase right after the cue (哪个小区), else right before
    it (公积金贷款利率是多少 → 公积金, 贷款, 利率); agents and the asked words themselves (补贴, 比例) are left out."""
    if kind is None or not (kind.detail or kind.name in ASKED_ABOUT):  # a list's subject: 哪些材料 → 材料
        return ()
    cues = list(re.finditer(kind.cue, text))
    if not cues:
        return ()
    cue = cues[-1]  # the last cue is the one asking (每个月工资发多少: 发多少, not 工资)
    tokens = _tokens(text)
    specific = [k for k, t in enumerate(tokens) if t[3] and not generic_noun(t[2]) and t[2][0] not in _MODALS
                and not t[2].startswith(_BOUNDS)
                and not (k + 1 < len(tokens) and tokens[k + 1][4] == "f")]  # 在手机上: where, not what is asked
    after = [k for k in specific if cue.end() <= tokens[k][0] <= cue.end() + 2
             and not _CLAUSE.search(text[cue.end():tokens[k][0]])]  # 给多少钱？后头…: the next clause asks anew
    before = [k for k in specific if cue.start() - 4 <= tokens[k][1] <= cue.start()
              and (not kind.detail or _linked(tokens, tokens[k][1], cue.start()))]
    inside = [k for k in specific if cue.start() < tokens[k][0] and tokens[k][1] <= cue.end()]  # 什么材料, 给导师多少
    nearest = [*after, *inside[-1:], *before[-1:]]
    anchor = nearest[0] if nearest else None
    if anchor is None:
        return ()
    start = end = anchor
    while start > 0 and tokens[start - 1][3] and tokens[start - 1][1] == tokens[start][0]:
        start -= 1
    while end + 1 < len(tokens) and tokens[end + 1][3] and tokens[end][1] == tokens[end + 1][0]:
        end += 1
    return tuple(t[2] for t in tokens[start:end + 1] if not generic_noun(t[2]) and t[2][0] not in _MODALS
                 and not asking_word(t[2]))  # never the asking words themselves (多长时间)


_SERVICE = re.compile(r"(?:咨询|联系|办公|服务|办事|受理|值班)(?:电话|热线|地址|地点|时间)")


def generic_noun(word: str) -> bool:
    """A noun that never names the asked detail: a generic word, or a service's contact word (咨询电话, 办公地点),
    which any contact block answers."""
    return word in GENERIC_NOUNS or bool(_SERVICE.fullmatch(word))


_CLAUSE = re.compile(r"[\s，,。；;？?！!、]+")
_TO_BOT = re.compile(r"讲通俗|说通俗|讲清楚|说清楚|讲明白|说明白|讲详细|说详细|通俗点|简单点|帮我看|帮忙看|告诉我|请问|麻烦")


def sub_questions(text: str) -> list[str]:
    """The questions of a message that asks more than one (哪几类合同能登 我们有个卖设备的合同能不能一起登了): each
    question clause with the statements before the first one as its context (a clause naming no topic, with the
    question before it); [] when it asks one question.

    A clause asks when it carries a question cue; a request to the assistant (能不能讲通俗点) asks nothing."""
    clauses = [c for c in _CLAUSE.split(standard(text).strip()) if c]
    asking = [k for k, c in enumerate(clauses) if asks(c) and not _TO_BOT.search(c)]
    if len(asking) < 2:
        return []
    context = " ".join(clauses[:asking[0]])
    out = [" ".join(clauses[:asking[0] + 1])]
    for before, k in zip(asking, asking[1:], strict=False):
        elliptical = not names_a_topic(clauses[k])  # 房租有补贴不 补多少: 补多少 asks about the clause before
        out.append(f"{_topic(clauses[before]) if elliptical else context} {clauses[k]}".strip())
    return out


# A clause about the asker (我们是做汽车配件的小厂, 我们厂去年研发费涨了四成, 俺儿子在读研): first person, no wish or
# ability verb that could carry the topic (我想申请…, 我们能不能…), and no question cue.
_ASKER = re.compile(r"^(?:我|俺|咱|本人|自家)")
_WISH = re.compile(r"想|要|打算|准备|能|可以|申请|报|问")


_A_NOT_A = re.compile(rf"{_A_NOT_A_VERB.pattern}|[吗呢不没]$")  # 注册年限够不够: a question without a cue word


def situation_free(text: str) -> str | None:
    """The message without the clauses that only describe the asker's own situation (context, not terms the answer
    must cover); None when it has none, or nothing else."""
    clauses = [c for c in _CLAUSE.split(standard(text).strip()) if c]
    telling = [not (_WISH.search(c) or asks(c) or _A_NOT_A.search(c)) for c in clauses]
    told = next((k for k, t in enumerate(telling) if not t), len(clauses)) if clauses and _ASKER.match(clauses[0]) else 0
    # 我是93年的 在…公司做研发 硕士毕业 目前中级职称 能不能申报…: the clauses after the asker's first one go with it
    kept = [c for k, c in enumerate(clauses) if k >= told and not (_ASKER.match(c) and telling[k])]
    return " ".join(kept) if kept and len(kept) < len(clauses) else None


def _topic(clause: str) -> str:
    """What a question clause is about, without its own question words (贴息一年最多补多少 → 贴息一年最多), so that
    an elliptical clause after it (每年几月份报) keeps its own answer type."""
    kind = classify(clause)
    cue = re.search(kind.cue, clause) if kind else None
    if kind is None or kind.name == "yesno" or not cue or cue.start() == 0:
        return clause  # a yes/no cue never outranks the next clause's own (有没有近视防控的讲座 哪天在哪)
    return clause[:cue.start()].strip()


def asks(clause: str) -> bool:
    """Whether a clause is a question: a typed cue with a question word or a yes/no ending (那2000块津贴 states)."""
    kind = classify(clause)
    return kind is not None and bool(_INTERROGATIVE.search(clause) or re.search(BY_NAME["yesno"].cue, clause)
                                     or re.search(r"呢$", clause))
