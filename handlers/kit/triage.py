"""Message triage for the dialogue flows: need description vs policy question vs achievement offer.

Rule-based and explainable: a *need* is a problem and/or a search for help (technology, people, money,
testing, equipment) stated by an organisation; a *policy question* asks (question form) about policies,
subsidies, applications; an *achievement offer* comes from a research side (institution, researcher) and
offers a result (maturity, patents, 转化/转让). Extraction itself lives in ``knowledge.extract``.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.kit.base import TURN_TEXT
from knowledge.extract import (
    extract_all,
    extract_amount,
    extract_maturity,
    extract_need_type,
    extract_phones,
    extract_region,
    has_correction_cue,
    industry_hit,
    is_affirmative,
    is_cancel,
    is_field_skip,
    is_restart,
    is_skip,
    mandarin,
)
from knowledge.extract.orgs import brand_of, is_academic, org_spans, own_name_span
from knowledge.extract.regions import region_mentions

QUESTION = re.compile(
    r"([?？]|[吗么嘛呢]\s*$|(?<=[\u4e00-\u9fff]{3})[没不]\s*$|(?<=[\u4e00-\u9fff]{2})(?:没有|[没不])[啊呀哇]\s*$|怎么|怎样|如何|哪些|哪里|哪儿|哪个|(?<![没冇])(?<!没得|冇得|没有)什么(?!事(?:情)?(?:就|请|可以|的话)?(?:打|找|联系))|多少|(?<![这好十])几个|(?<![这近前头好十])几年|多久|多长|是否|能否|能不能|"
    r"可不可以|可以不|有没有|行不行|要不要|需不需要|咋|(?<![没冇])(?<!没得|冇得|没有)啥(?!事(?:情)?(?:就|请|可以|的话)?(?:打|找|联系))|(?<!怎)么样|(?<![不没])(?P<ab>[\u4e00-\u9fff])[不没](?P=ab)|"  # 够不够, 算不算, 对不对
    r"哪几|哪家|哪天|哪位|哪种|哪一|(?<![这那近前头好过隔再等十了])几(?:天|号|点|月|岁|级|成|倍)"
    r"(?![前后以之]))"  # '一般几天出', '合作银行有哪几家'; not '前几天', '过几天再说', '几天前', '对几种饮片做检测', '好几个车厂', '十几个猪场'
)
DIALECT_QUESTION = re.compile(  # Hubei question words: '保额是好多', '么时候截止', '有冇补贴', '在上面冇' ('毛病好多' is no question)
    r"几多|么时候|(?<![什怎这那多])么(?:子|事|斯|名字)|(?<![怎这那])么样|有冇|冇\s*$|(?:是|要|补|奖|收|交|给|得|发|拿)(?:好多|好大)"
)
POLICY = re.compile(
    r"(政策|补贴|补助|奖励|奖补|资助|扶持|申报|认定|评价|入库|加计扣除|扣除|高企|高新技术企业|科技型中小企业|院士|"
    r"工作站|服务站|托举|首席技术专家|技术合同|科技贷|质押|贴息|税|减免|条件|流程|截止|期限|办理|志愿者|特派员|"
    r"创新券|资格|门槛|比例|规定|办法|申请)"
)
SEEK = re.compile(
    r"(想找(?!个?人问|个?人咨询|谁)|寻找|想请|请个|请专家|找个(?!人问|人咨询)|找家|找一?些|找到|找高校|找专家|找人(?!问|咨询)|找地方|求购|求助|求一?个|需要(?!什么|哪些|多少)|想要|希望|"
    r"想引进|引进|想转化|想承接|转化过来|引过来|想买|购买|买过来|想做|要做|想给|想让|想把|想在|想提高|想提升|想降低|想改善|想改进|想开发|想研发|想实现|"
    r"(?:要|需要|拿到)[^，,。]{0,12}(?:检测|检验|测试|认证)报告|"  # '客户要甲醛和偶氮的检测报告' (not '可以出具…报告')'
    r"想上|想解决|解决|攻关|借用|租用|想借|想租|借台|租台|想招|要招|招个|招一个|招聘|合作(?!社|银行)|帮忙|帮我们|外协|委托|对接|招不到|招人|缺人|缺资金|缺钱|缺技术|贷款|融资|融一?轮|替代|(?:想|要|能)贷|贷[点些笔个]款|(?:想|要)借[点些笔]?钱|"
    r"(?:有没有|有冇得?|有无|哪里有|谁有|能不能找到?).{0,10}(?:技术|办法|方法|方案|专家|设备|团队|机构|地方|人才|工艺))"
)
PROBLEM = re.compile(
    r"(不行|不好(?!意思)|不够|不稳|不达标|不合格|不均匀|太大|太高|太低|太贵|太差|太慢|太多|太重|老是|总是|经常|变形|开裂|"
    r"磨损|故障|难题|瓶颈|卡脖子|达不到|跟不上|受不了|问题|效率低|成本高|良率|废品|报废|污染|超标|降功率|对不上|"
    r"招不到|招不来|找不到|做不了|缺|难|不干净|退货|投诉|返工|泄漏|漏水|漏油|开裂|裂纹|气孔|毛刺|生锈|腐蚀|堵|异响|噪音|振动|抖动|偏差|"
    r"不准|不均|发黄|发白|结晶|鼓包|起泡|脱落|掉漆|变色|过热|发烫|卡死|残砂|残留|得厉害|严重|下降|衰减|衰退|偏高|偏低|偏大|偏小|不足|起雾|头疼|头痛|不理想|不过关|老坏|容易坏|失效|寿命短|"
    r"不管用|不见效|没效果|没得用|冇得用|没啥用|(?:病|虫|灾)[^，,。]{0,3}(?:厉害|严重|泛滥)|"
    r"掉色|褪色|发霉|霉变|变质|异味|渗漏|渗水|生虫|虫害|病害|减产|结块|翘曲|松动|断裂|老化|性能差|效果差|质量差|不耐|[性度率力](?:差|低|不够|不好)|[率性度量效](?:不高|上不去|提不上去?)|亏了|亏本|亏损|赔钱|(?:损失|损耗|消耗|衰减|老化|磨损)(?:快|大|严重))"
)
ORG_CONTEXT = re.compile(r"(我们|我司|我厂|咱们|公司|厂里|企业|合作社|车间|工厂|产线|生产线|基地)")
RESEARCHER = re.compile(r"(老师|教授|研究员|博士后|课题组|团队|实验室|研究所|研究院|高校|学院|大学)")
OFFER = re.compile(
    r"(转让|转化|推广|授权|许可|有(?:个|一个|一项|项|几项)?.{0,20}(?:成果|专利)|找企业|找厂家|找公司|找合作方|寻找合作|找买家|放到项目库|项目库|成果库|入库|"
    r"(?:我们|我)(?:有|研发|开发|做)(?:了)?(?:个|一个|一项|项|些|几项|一套|套)?.{0,16}(?:技术|工艺|成果|专利|装置|系统|方法|材料|产品))"
)
REGISTER_DEMAND = re.compile(
    r"((?:提|发布|登记|发|录入|填|报|上报|提交|挂|写|登)(?:一?个|一下|一条|条|点|些|这种|这类|这个)?(?:技术|科技|企业|我们的|项目)?"
    r"(?:需求|难题)|(?:登记|发布|录入|上报)(?:一?个|一下)?问题|有(?:个|一个|些|几个|一些)(?:技术)?(?:难题|需求)|问题库|需求登记|技术难题)"
)
BARE_REGISTER = re.compile(  # '登记', '我要登记一下': a registration verb naming neither register (需求 or 成果)
    r"^(?:我|我们)?(?:要|想|想要|需要|来)?(?:登记|发布|录入|填报|上报|登)(?:一?下|个东西|点东西|一个)?[吧呀啊哈。！!]*$")
WANTS_DEMAND = re.compile(f"{REGISTER_DEMAND.pattern}|找技术|找专家|找成果")
WANTS_ACHIEVEMENT = re.compile(
    r"((?:登记|发布|录入|上传|提交|放到|放进|挂到|入|登)(?:个|一个|一下|一项|下)?"
    r"(?:[^\s，,。；;！!？?]{1,4}?的)?(?:科技|科研)?"
    r"(?:成果|项目库|成果库)|成果登记|项目库|成果库|专利转让|转让专利|"
    r"(?:我|我们|我们团队|团队|课题组|实验室)有(?:个|一个|一项|项|几项|些|一些)?(?:科研|科技)?(?:成果|专利)|"
    r"(?:成果|专利).{0,10}(?:找企业|寻找企业|找厂家|转让|推广|许可|授权给)|(?:团队|课题组|实验室)的?成果|"
    r"(?:放到|放在|挂到|发到|上传到)(?:你们)?(?:的)?平台|(?:成果|专利|技术).{0,8}(?:放到|挂到|登到)|"
    r"有(?:个|一个|一项|项|几项|些)(?:科研|科技)?成果.{0,4}(?:想|要)?(?:登|挂|放|发布|转化)|成果.{0,3}(?:想|要)(?:登|挂|放|发布))"
)
OTHER_COMMAND = re.compile(
    r"^(我要报名|报名|取消报名|我的报名|我的活动|签到|感兴趣(?!的)|不合适|转人工|人工客服|帮助|菜单|我的信息|我的资料|"
    r"删除我的信息|删除我的数据|我的需求|我的成果|隐私)"
)
GREETING = re.compile(r"^(你好|您好|在吗|在不在|你们好|哈喽|hello|hi|喂)[啊呀呢吗，,！!。\s]*")
CONTINUE = re.compile(r"(先把.{0,6}(登|填|弄|办)完|接着(填|登|来)|继续(填|登)|先(登|填)完|登完再|填完再|"
                      r"还是(?:要|得)?(?:提|填|登|登记|报|发布?)(?:一?下|了)?吧)")  # '还是提一下吧': the mind changed back
PLATFORM = re.compile(r"(听说你们|你们(这|这里|这儿)?.{0,4}(能|可以|会|是不是)|(在这|这里|这儿)(能|可以).{0,4}(发|登|提)|能在这)")
BUDGET_CUE = re.compile(r"(钱|预算|经费|费用|价钱|花费|付费|面议|面谈|再谈|待遇|薪资|年薪|月薪|出价|^只要|(?:[一二三四五六七八九十两百千]+|\d+)\s*(?:来)?个(?:吧|左右|上下)?$|"
                        r"(?:几|上|数|好几|大几)[十百千]万(?![吨亩人件台套次]))")  # '自己买要几百万划不来': a price remark
LABEL_ONLY = re.compile(r"^(?:那么?|那就|就|嗯)?(?:(?:所属|我们的?)?(?:行业|领域|需求类型|类型)(?:就)?(?:是|算|属于|为|写|选|填)?)?(?:就)?(?:算是?|属于|归|是|选|填)?(?:个|一个)?(?P<label>.{2,8}?)(?:行业|方面|领域|类|这块|阶段)?的?吧?$")
FILLER = re.compile(r"^(等下|等一下|对了|哦|噢|嗯|哎|唉|那|好|好的|另外|还有|然后|就是|那个|这个|不好意思|抱歉|麻烦了?|谢谢|对不起)+$")
CONTACT_CUE = re.compile(r"(联系人|联系方式|电话|手机|号码|我是|我叫|我姓|找我|姓名|微信)")
ORG_SELF = re.compile(r"我是.{0,10}?(一家|做|搞|开|种|养|生产|加工|制造)")  # what the business makes, not who speaks
COMPANY_CUE = re.compile(r"(公司叫|公司名|名称|全称|单位是|单位叫|厂名|我们是.{0,20}(公司|合作社|厂|集团))")
PIVOT = re.compile(r"(?:^|[，,。.；;！!？?\s])(?:好了|好啦|哈哈|那)?(?:说正事|说正经的|言归正传|回到正题|不开玩笑了|不扯了|不闲聊了|正事是)(?:吧|啊|哈)?[，,。.；;：:！!\s]*")
CLAUSE = re.compile(r"[，,。；;！!？?\n]+")
SPOKEN_BREAK = re.compile(r"\s+(?=(?:联系人|联系方式|联系电话|电话|手机|预算|经费|找我|我叫|我是)(?![问题]))")
VOICE_BREAK = re.compile(  # where a new fact starts in dictation without any pause ('…的技术已经在三家厂用了有两项…')
    r"(?<=[\u4e00-\u9fff\d])(?=(?:联系人|联系电话|电话|手机|预算|领域是|行业是|所属领域|所属行业|成熟度|知识产权|"
    r"我们(?:所|院|厂|公司|团队|课题组|实验室|单位)?(?:有|是|做|研发|开发|研制)|我是|我叫|已经|目前|现在|有[一两二三四五六七八九十几\d]+[项个件]|想找|想请|想要|希望))")
PIECES = re.compile(r"[，,。；;！!？?\n：:]+|(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff\d])|(?<=[A-Za-z])\s+(?=[\u4e00-\u9fff])")
FACT_KEYS = ("company", "institution", "budget", "region", "contact_name", "contact_phone")


STRONG_STOP = re.compile(
    r"(不弄了|不登了|不填了|不办了|不搞了|不整了|不提了|不录了|不发了|不要了|先不(?:登|填|弄|提交|办|搞|发|录)|"
    r"不想(?:登|填|弄|搞|办)了|放弃|退出|改天再说|下次再说|以后再说|回头再说|不用登记|^\s*取消|"
    r"取消(?:吧|了|啊|掉|一下|登记|填写|提交|这个|这次|本次|需求|成果|[，,。！!\s]|$))"
)


def is_continue(text: str) -> bool:
    """'先把需求登完', '接着填': the user wants to go on (even after '回头再说')."""
    return bool(CONTINUE.search(text))


def is_form_cancel(text: str) -> bool:
    """Abandon the form: a clear stop phrase, or a short '算了' that carries no form content."""
    if not is_cancel(text) or is_continue(text) or is_field_skip(text):
        return False
    if STRONG_STOP.search(text):
        return True
    return len(text.strip()) <= 12 and not has_form_facts(text) and need_text(text) is None


def after_stop(text: str) -> str:
    """What follows the last stop phrase ('先不登了。能不能先订阅企业需求' → '能不能先订阅企业需求'), else ''."""
    stops = list(STRONG_STOP.finditer(text))
    return re.sub(r"^[了吧啊呀哈，,。.！!；;\s]+", "", text[stops[-1].end():]) if stops else ""


def stop_opens(text: str) -> bool:
    """The message opens by giving up the form ('算了，不想登了，…'), whatever it asks for after that."""
    first = STRONG_STOP.search(text)
    lead = re.sub(r"算了|唉|哎|哦|嗯|那|我们|我|还是|就|成果|项目|这个|需求|[，,。！!\s]", "", text[:first.start()]) if first else "x"
    return not lead


_NOT = r"(?:不是来|不是要|不是想|不打算|没打算|暂时不|不用|不想|先不|就不|暂不|不再|不)(?:来|要|想|去)?"
_REGISTER = r"(?:登记|登|挂|发布|提交|提|录入|录)"
_FORM_NOUN = r"(?:成果|专利|需求|难题)"
_END = r"(?=了|啦|吧|的|[，,。；;！!？?\s]|$)"
_NONE = r"(?<!有)(?:没有?|冇得?|莫得|暂无|无)(?:什么|啥子?|么子?|得么|啥|么)?(?:新的?|好的?)?(?:科研|科技|技术|研究)?"  # '冇得么子新成果'  # having no result
DECLINED = re.compile(
    rf"{_NOT}{_REGISTER}(?:了|的)?(?:个|一个|一下|我们的|我的|这个)?(?:技术|科技|科研)?(?P<after>{_FORM_NOUN})|"  # '不是来登成果的'
    rf"(?P<before>{_FORM_NOUN})[^，,。；;！!？?\s]{{0,4}}?{_NOT}{_REGISTER}{_END}|"  # '成果就不登记了'
    rf"{_NOT}{_REGISTER}(?=了|啦|吧|[，,。；;！!？?\s]|$)|"  # '不登了'
    rf"{_NONE}(?P<none>成果)(?!转化)")  # '现在没什么成果要登记', '暂时冇得么成果': nothing to register
NOUN_FORM = {"成果": "achievement", "专利": "achievement", "需求": "demand", "难题": "demand"}


def declined_forms(text: str) -> frozenset[str]:
    """The forms a message says the user will not fill ('成果就不登记了', '不是来登成果的', '不提需求'); a bare
    '不登了' declines both, unless the rest of the message asks for one ('不登成果了 我想提个需求')."""
    found: set[str] = set()
    rest = text
    for m in DECLINED.finditer(text):
        queried = is_question(text.replace(m.group(0), "，"))  # the '么子' of '冇得么子成果' is no question word
        if m.group("none") and (queried or SEEK.search(text)):  # '没有成果也能申报吗', '…没什么成果，想找高校…'
            continue
        noun = m.group("after") or m.group("before") or m.group("none")
        found |= {NOUN_FORM[noun]} if noun else {"achievement", "demand"}
        rest = rest.replace(m.group(0), "，")
    asked_in = [c for c in PIECES.split(rest) if not re.search(r"[不没无]", c)]  # '厂里也没啥技术难题' asks nothing
    asked = {"achievement": any(map(wants_achievement, asked_in)), "demand": any(map(wants_demand, asked_in))}
    return frozenset(form for form in found if not asked[form])


def is_form_restart(text: str) -> bool:
    """'重新填' as a command (short), not '我们重新来一遍测试'."""
    return is_restart(text) and len(text.strip()) <= 10


def is_question(text: str) -> bool:
    """Question form: a question mark, 吗/呢 at the end, or a question word (dialect ones too: 几多, 么时候, 有冇)."""
    return bool(QUESTION.search(text) or DIALECT_QUESTION.search(text))


DECIDED = re.compile(r"^(?:那|那么|算了)?(?:就|还是|先|干脆|直接)(?:放|写|填|选|算|归|按|定|用)")


def answers_itself(text: str) -> bool:
    """A question the user answers in the same message ('领域算A还是B？就放A吧'): a decision follows the last
    question mark."""
    parts = re.split(r"[?？]", text.strip())
    last = parts[-1].strip(" ，,。.！!") if len(parts) > 1 else ""
    return bool(last) and not is_question(last) and bool(DECIDED.search(last))


_WHEN = r"(?:多久|好久(?![没不])|多长时间|多少天|几天|什么时候|啥时候|么时候|哪天)"  # 好久: the dialect 多久
_HEARD_FROM = r"(?:联系|回复|回音|答复|审核|对接|匹配|通知|推荐)"
NEXT_STEPS = re.compile(
    rf"{_WHEN}[^，,。？?]{{0,8}}{_HEARD_FROM}|{_HEARD_FROM}[^，,。？?]{{0,6}}?(?:要|得|需要)?{_WHEN}|"
    r"(?:登记|提交|交上去|交|发布|报上去|填完|登完)(?:了|完)?(?:以后|之后|后)[^，,。？?]{0,4}"
    r"(?:怎么办|怎么弄|咋办|咋弄|干啥|做什么|然后呢|会怎样|怎么样|什么流程|啥流程|流程是)")


def asks_next_steps(text: str) -> bool:
    """A question about what happens once the form is submitted ('登记了以后大概好久有专家联系我们', '提交后怎么弄')."""
    return bool(NEXT_STEPS.search(text))


def is_policy_question(text: str) -> bool:
    """A question about policies, subsidies, applications (answered by the policy Q&A)."""
    return is_question(text) and bool(POLICY.search(text))


def has_form_facts(text: str, besides: tuple[str, ...] = ()) -> bool:
    """Whether a message carries concrete form values (company, budget, region, contact), ``besides`` those keys."""
    facts = extract_all(text)
    return any(key in facts for key in FACT_KEYS if key not in besides)


def is_other_command(text: str) -> bool:
    """A command owned by another capability (sign-ups, account, hand-off), even mid-form."""
    return bool(OTHER_COMMAND.match(text.strip()))


def wants_demand(text: str) -> bool:
    """The user explicitly asks to register a need ('提需求', '登记个技术需求', '有个技术难题')."""
    return bool(WANTS_DEMAND.search(text)) and "我的需求" not in text


FORM_NAME = re.compile(r"^(?:是|我要|我想|要|想)?(?:登记|提|发布|登|填)?(?:个|一个|一项)?(?:技术|科技|科研|企业)?"
                       r"(?P<noun>需求|难题|成果)(?:的|吧|啊|呀|哈)?[。.!！]?$")


def form_named(text: str) -> str | None:
    """The form a message names and nothing else ('需求', '是成果'): 'demand' or 'achievement', else None."""
    m = FORM_NAME.match(text.strip())
    return None if m is None else "achievement" if m.group("noun") == "成果" else "demand"


def wants_achievement(text: str) -> bool:
    """The user explicitly asks to register a research result ('登记成果', '放到项目库')."""
    return bool(WANTS_ACHIEVEMENT.search(text)) and not ACQUIRE.search(text)  # '想买断…成果' is a company's need


_SOUGHT_RESEARCHER = re.compile(  # '想找高校'; '听说有高校已经做出来了' is someone else's result
    r"(?:(?:找|请|求|联系|对接|委托|借助|依托)[^，,。；;\s]{0,4}?|(?:听说|据说|听人说|看到|了解到|网上说)(?:有|是)?"
    r"(?:个|家|所|一个|一家|一所)?[^，,。；;\s]{0,6}?)" + RESEARCHER.pattern)


def _academic(text: str) -> bool:
    """The speaker belongs to a research institution (a university sought as help, '想找高校…', is no speaker)."""
    return any(is_academic(name) for _, _, name in org_spans(text)) or bool(RESEARCHER.search(_SOUGHT_RESEARCHER.sub("", text)))


def looks_like_achievement(text: str) -> bool:
    """A research result being offered: explicit, or a research actor plus an offer/maturity/patent cue."""
    if wants_achievement(text):
        return True
    if not _academic(text) or is_question(text) or ACQUIRE.search(text):  # '想引进一个研究院的…成果': the buyer's side
        return False
    return bool(OFFER.search(text) or extract_maturity(text) or _result_of_unit(text))


ACQUIRE = re.compile(r"(?:想|要|打算|准备|希望)(?:把)?[^，,。]{0,12}(?:引进|买断|买过来|买下|购买|受让|转化过来|引过来)")  # not 找企业承接


RESULT_NOUN = re.compile(r"(?:技术|工艺|方法|系统|装置|设备|材料|配方|品种|疫苗|试剂|软件|算法|模型|装备|涂料|菌种|菌剂|"
                         r"终端|传感器|样机|芯片|制剂|肥料|有机肥|生产线|执行器|控制器|[\u4e00-\u9fff]{2}(?:器|仪|剂)|网关|模块|机器人)$")


def _result_of_unit(text: str) -> bool:
    """A university or institute names a thing it made, with no problem or search for help
    ('汉水大学食品学院，香菇柄做即食休闲食品的加工工艺')."""
    if not any(is_academic(name) for _, _, name in org_spans(text)) or SEEK.search(text) or PROBLEM.search(text):
        return False
    return any(RESULT_NOUN.search(strip_orgs(c).strip()) for c in PIECES.split(text) if strip_orgs(c).strip())


def asks_help(text: str) -> bool:
    """A need the rules read from someone outside research who names the help wanted ('有两个专利，想拿专利去银行
    质押贷款'): no result is offered, whatever patents are mentioned."""
    return looks_like_need(text) and not _academic(text) and extract_need_type(text) is not None


def need_score(text: str) -> int:
    """How strongly a message describes a need: seeking help (2), a problem, a need type, an organisation."""
    facts = extract_all(text)
    score = 2 * bool(SEEK.search(text)) + bool(PROBLEM.search(text))
    score += bool(extract_need_type(text)) + bool(ORG_CONTEXT.search(text) or "industry" in facts)
    return score + bool("budget" in facts and PROBLEM.search(text))  # a problem with a budget is a need


def looks_like_need(text: str, *, after_intro: bool = False) -> bool:
    """A need description rather than a policy question, an achievement offer or small talk."""
    if len(text) < 4 or looks_like_achievement(text):
        return False
    if is_question(text) and (POLICY.search(text) or not SEEK.search(text)):
        return False
    if after_intro and (PROBLEM.search(text) or SEEK.search(text)):  # we just asked "遇到了什么技术难题"
        return True
    return need_score(text) >= 3


def is_intro(text: str) -> bool:
    """A self-introduction of an organisation ('我们是随州的，做专用汽车的') without a request yet."""
    if is_question(text) or len(text) > 80 or not ORG_CONTEXT.search(text):
        return False
    facts = extract_all(text)
    return any(key in facts for key in ("region", "industry", "company"))


def plain_answer(text: str) -> bool:
    """Could the whole message be a direct answer to a question (not a yes/no, skip or question)?"""
    t = text.strip()
    return bool(t) and not is_question(t) and not is_affirmative(t) and not is_skip(t) and len(t) <= 200


TECH = re.compile(
    r"(技术|工艺|方法|系统|装置|设备|材料|专利|软著|中试|小试|产业化|实验室|用上了|应用|精度|效率|指标|性能|算法|"
    r"模型|平台|品种|配方|疫苗|试剂|传感|检测|控制|补偿|合成|制备|改性|涂层|工程化|样机|[\u4e00-\u9fff]机(?!构|会)|仪器|"
    r"试用|研制|研发|做了(?:个|一个|一套|一种|一款)|(?:开发|发明|设计)了|"
    r"(?:降低|提高|提升|减少|缩短|节约|节省|增加)[^，,。；;]{0,8}?\d+(?:\.\d+)?\s*(?:%|％|倍))"  # a measured gain
)
IP_CLAUSE = re.compile(r"(专利|软著|著作权|知识产权|实用新型|外观设计|发明(?:还|正|也)?(?:在审|在申请|申请中|受理|授权))")
HEDGE = re.compile(r"^(?:这个|那个|这|那|这块|这一块)?(?:还|也|真|确实)?(?:不好说|说不好|说不准|不清楚|不确定|不晓得|没想好|"
                   r"还没定|没定|待定|看情况)(?:啊|呢|吧|哈|呀)?$")  # '这个不好说': says nothing of the problem
POLITE = re.compile(r"^(不好意思|抱歉|麻烦了?|谢谢|对不起|哦|嗯|好的|那个|这个)$")
SOCIAL = re.compile(  # a clause that only greets, thanks or apologises: '各位老师好', '打扰了', '谢谢啦', '辛苦你们了'
    r"^(?:(?:各位|诸位|大家|尊敬的)?(?:老师|领导|专家|同志|师傅|工作人员|小编|客服)?们?(?:好|你好|您好|早上好|下午好)|"
    r"(?:打扰|叨扰)(?:了|一下|您了?|你们了?)|麻烦(?:你们|您|大家)(?:了)?|(?:谢谢|多谢|感谢)(?:啦|了|你们|您|大家)?|"
    r"辛苦(?:了|你们了|您了)|(?:不好意思|抱歉)(?:打扰了?)?)[啊呀啦哈哦喔了！!～~。]*$")


MAKES = re.compile(r"(做|搞|种|养|生产|加工|制造)")


def _makes(clause: str) -> bool:
    """'我们是做香菇的合作社': what the business makes (content for matching), with no name in it to hide."""
    return bool(MAKES.search(clause)) and not org_spans(clause)


_JOB_TITLE = re.compile(r"(?:的)?(?:正高级|高级|副|助理|首席)?(?:工程师|教授|研究员|讲师|博士后|博士|高工|总工|实验师|农艺师|医师)")


def _drop_clause(clause: str, ip: bool = False) -> bool:
    """Clauses that carry contact, organisation, budget, labels, corrections or chit-chat, not the content."""
    contact = (CONTACT_CUE.search(clause) and not ORG_SELF.search(clause)) or _JOB_TITLE.fullmatch(clause)  # '高级工程师'
    if extract_phones(clause) or contact or POLITE.match(clause) or SOCIAL.match(clause) or FILLER.match(clause) \
            or HEDGE.match(clause):
        return True
    if (extract_amount(clause) or BUDGET_CUE.search(clause)) and not _FINANCE.search(clause):
        return True  # '预算两百万', '钱不是问题' go; '想贷款300万' stays
    if ip and IP_CLAUSE.search(clause) and len(clause) <= 14:  # '有两项发明专利' is its own field
        return True
    if (COMPANY_CUE.search(clause) and not _makes(clause)) or GREETING.match(clause) or _is_trigger(clause) \
            or _org_only(clause):
        return True
    if PLATFORM.search(clause) or _label_only(clause) or (is_policy_question(clause) and not _help_asked(clause)):
        return True  # '有没有人才补贴' goes; '想了解有没有知识产权质押融资' asks for the help itself
    if _APPLICATION.search(clause) and not (SEEK.search(clause) or PROBLEM.search(clause)):
        return True  # '我们想申报高企': why they ask, not the problem
    if is_question(clause) and not (SEEK.search(clause) or PROBLEM.search(clause) or EMBEDDED_QUESTION.search(clause)
                                    or _asks_for_help(clause)):
        return True  # '晨光计划是干啥的' goes; '为什么老开裂', '检测插头有没有插到位', '能不能借用…' are the problem
    if has_correction_cue(clause) and not _CHANGE_A_THING.search(clause) and \
            (len(clause) <= 10 or not (SEEK.search(clause) or PROBLEM.search(clause))):
        return True
    if _PLACE_LABEL.match(clause) and not (SEEK.search(clause) or PROBLEM.search(clause)):
        return extract_region(clause) is not None  # '地址襄阳市襄城区'
    return len(clause) <= 6 and extract_region(clause) is not None


_MAY_WE = re.compile(r"能不能|可不可以|能否|可否|是否(?:可以|能)|可以不|行不行|有没有|有无|有冇得?")  # '想了解有没有质押融资'


def _asks_for_help(clause: str) -> bool:
    """A request put as a question ('想问问能不能共享其他单位的测序仪', '想了解有没有科技贷款'): it asks for one kind
    of help, so it is the need."""
    return bool(_MAY_WE.search(clause)) and extract_need_type(clause) is not None


def _help_asked(clause: str) -> bool:
    """A kind of help asked for as a question, with no subsidy or application in it ('有没有科技贷款')."""
    return _asks_for_help(clause) and not _APPLICATION.search(clause)


_CHANGE_A_THING = re.compile(  # '把加工工艺改一下': the change the user wants made, not a correction of the form
    r"把(?!.{0,4}(?:预算|电话|手机|号码|联系人|名字|姓名|地址|地区|公司|单位|行业|类型|描述|标题|名称))[^，,。]{1,10}?改(?:一下|下|改|进|良|造)")
EMBEDDED_QUESTION = re.compile(  # a question inside a statement of the task: '检测插头有没有插到位', '判断是否合格'
    r"(检测|检查|检验|判断|判定|识别|知道|确定|确认|分辨|区分|测出|看出|发现|监测|监控|看看|测一下|搞清楚)[^，。,]{0,12}?"
    r"(有没有|是否|是不是|合不合格|好不好|对不对|够不够|到没到|在不在|多少|几)"
)
_APPLICATION = re.compile(r"(申报|认定|评价|入库|高企|高新技术企业|科技型中小企业|补贴|补助|奖补|资助|加计扣除|政策)")
_GENERIC = re.compile(
    r"(我们|咱们|你们|但是|可是|所以|因为|想|要|能|需要|希望|买|购买|引进|找|寻找|帮忙|帮|一下|一个|一些|一项|个|些|项|"
    r"现成|核心|关键|技术|成果|专利|专家|团队|高校|合作|解决|问题|难题|办法|方案|没有|有|的|吗|呢|吧|了|啊)"
)
_CONSULT = re.compile(r"(请教|咨询|请问|问问|问一?下|想问)")
_ASKING = re.compile(r"(请教|咨询|请问|问问|问|最近|近来|这段时间|遇到|碰到|一直|这边|点|事情|事儿|事|情况|看看|聊聊)")  # help-seeking


_INTRO_CLAUSE = re.compile(r"^(?:我们|我|咱们|俺们|我们厂|我们公司)?(?:是|在)?.{0,10}?(?:做|搞|生产|从事|干)[^，,]{1,16}?的?$")


def intro_only(text: str) -> bool:
    """The free text left in a message is only who they are ('我们是随州做专用汽车的'), or nothing specific."""
    body = content_text(text, None)
    return body is None or is_generic(body) or all(
        _INTRO_CLAUSE.match(c) and not (SEEK.search(c) or PROBLEM.search(c)) for c in PIECES.split(body) if c.strip())


def is_generic(text: str) -> bool:
    """Free text that names nothing specific ('想买个现成的技术成果', '但是没有核心技术专利')."""
    return all(len(re.findall(r"[\u4e00-\u9fff]", _GENERIC.sub("", c))) < 2 for c in PIECES.split(text or ""))


def is_filler(text: str) -> bool:
    """Generic, or only asks for help ('最近有个问题想请教一下', '碰到点事想咨询下'): no words for the record."""
    return bool(_CONSULT.search(text or "")) and is_generic(_ASKING.sub("", text or ""))


_FINANCE = re.compile(r"(贷款|融资|质押|授信|投资|缺钱|缺资金|周转|融一?轮|[融借][点些笔]钱|(?<=[\u4e00-\u9fffA-Za-z]{2})要钱$)")  # a funding need, not a budget
_LEAD = re.compile(r"^(?:(?:请问|想问一?下)(?=[^，,。]{4,})|应该是|其实是|实际上是|准确说是|问题是|就是|(?:这个|这项)?成果(?:名称)?(?:就)?(?:是|叫)|名称(?:就)?(?:是|叫)|是)[：:，,\s]*")


_CONTACT_LABEL = re.compile(r"^\s*(联系人|联络人|对接人|负责人|联系电话|联系方式|电话|手机|手机号)")
_PLACE_LABEL = re.compile(r"^\s*(地址|地区|位于|所在地|地点|厂址|"
                          r"(?:(?:我们|俺们|咱们|我|俺)的?(?:公司|厂子?|单位|基地|企业|合作社)?|公司|厂子?|单位|基地|企业|合作社)"
                          r"(?:就|是)?(?:在|位于))")  # '我们公司在枣阳', not '在枣阳试用了两季'


def _contact_clause(clause: str) -> bool:
    """A comma clause that is only contact details ('联系人：武建 手机 138…', '我叫甘露 电话138…')."""
    if _CONTACT_LABEL.match(clause):
        return True
    return bool(extract_phones(clause)) and not (SEEK.search(clause) or PROBLEM.search(clause))


def _label_only(clause: str) -> bool:
    """'技术攻关', '算环保方面的吧', '属于汽车零部件': a need type or industry said alone."""
    from knowledge.vocab import INDUSTRIES, MATURITIES, NEED_TYPES

    m = LABEL_ONLY.match(clause)
    if not m:
        return False
    label = m.group("label")
    return label in NEED_TYPES or label in INDUSTRIES or label in MATURITIES or bool(industry_hit(clause) and industry_hit(clause).explicit)  # type: ignore[union-attr]


_OFFER_TALK = re.compile(r"(找企业|找厂家|找合作|合作(?!社|银行)|转化|登记|放到|挂到|项目库|平台)")  # not 合作社, 合作银行
_SEARCH = re.compile(r"(想找|寻找|找个|找家|找一?些|想引进|引进|想转化|想承接|想买|购买|求购)")
_GENERIC_TECH = re.compile(r"技术|成果|专利|应用|方法|实验室")


_NAMED_THING = re.compile(r"(?:有个|有一个|有项|有一项|有套|有一套|有种|有一种)(?P<what>[^，,。；;\s]{2,20}?的?新?"
                          r"(?:技术|工艺|方法|系统|装置|设备|材料|产品|品种|配方|软件|装备|设计))(?=想|要|准备|打算|需要)")


_REQUEST = re.compile(rf"(?:[^，,。；;\s]{{0,8}}?{_OFFER_TALK.pattern})+(?:一下|出去|出来|上去|吧|呢|啊)*")  # '想登记一下看看能不能转化出去'


def thing_offered(clause: str) -> str | None:
    """'有个养猪场废水处理的技术想登记' → '养猪场废水处理的技术': the result a request to register names, with what is
    said after the request ('…想登记一下看看能不能转化出去腐熟周期从60天缩短到20天'); None when it names nothing
    specific ('有个技术想登记')."""
    m = _NAMED_THING.search(clause)
    if m is None or not _OFFER_TALK.search(clause[m.end():]) or is_generic(_GENERIC_TECH.sub("", m.group("what"))):
        return None
    request = _REQUEST.match(clause, m.end())
    rest = clause[request.end():] if request else ""
    keep = len(rest) >= 4 and meaningful(rest) and not _drop_clause(rest, True)
    return f"{m.group('what')}，{rest}" if keep else m.group("what")


def _is_trigger(clause: str) -> bool:
    """An 'I want to register…' clause ('老师让我来登记一下我们实验室的成果') that names nothing specific."""
    if len(clause) <= 16 and (REGISTER_DEMAND.search(clause) or WANTS_ACHIEVEMENT.search(clause)):
        return True
    talk = WANTS_ACHIEVEMENT.search(clause) or _OFFER_TALK.search(clause)
    specific = _SEARCH.search(clause) and not is_generic(_OFFER_TALK.sub("", clause))  # '想找硅碳负极的成熟技术转化过来'
    return len(clause) <= 24 and bool(talk) and not specific and not TECH.search(_GENERIC_TECH.sub("", clause))


def _org_only(clause: str) -> bool:
    """A clause that is little more than an organisation name ('楚北农业科学研究院茶叶所')."""
    spans = org_spans(clause)
    return bool(spans) and len(clause) - sum(end - start for start, end, _ in spans) <= 4


def strip_orgs(clause: str) -> str:
    """The clause with organisation names cut out."""
    return _without_orgs(clause)


def _without_orgs(clause: str) -> str:
    """The clause with organisation names cut out ('十堰汉江医学院药学院 是…技术' → '是…技术')."""
    spans = org_spans(clause)
    for start, end, _ in reversed(spans):
        clause = clause[:start] + clause[end:]
    return _LEAD.sub("", clause.strip(" 的") if spans else clause.strip())


# emoji and bullets go; a sign before a number ('-40℃…') and an opening quote or bracket stay
_LEADING_MARKS = re.compile(r"^(?:[-−+±~～](?!\d)|[^\u4e00-\u9fffA-Za-z0-9\-−+±~～<《〈“‘\"'(（\[【「『])+")


def content_text(text: str, cue: re.Pattern[str] | None, *, drop_ip: bool = False) -> str | None:
    """The user's own words minus contact/budget/organisation clauses; with ``cue``, only if it matches."""
    t = GREETING.sub("", _LEADING_MARKS.sub("", text.strip()[:TURN_TEXT]))  # '😊你好 …': the emoji hides no greeting
    t = PIVOT.split(t)[-1]  # '吃了没哈哈。说正事，…': what comes before the turn to business is chit-chat
    t = SPOKEN_BREAK.sub("，", t)  # voice input without commas: '…颜色变暗 预算十五万 联系人 侯敏 138…'
    if len(t) >= 30 and not re.search(r"[\s，,。；;！!？?]", t):  # dictated in one breath: no pause at all
        t = _dictation_breaks(t)
    t = "，".join(c for c in CLAUSE.split(t) if not _contact_clause(c))  # '联系人：武建 手机 138…' goes whole
    pieces = (_LEAD.sub("", c.strip()) for c in PIECES.split(t))
    pieces = ((thing_offered(c) or c) if drop_ip else c for c in pieces)  # an offer: the result its request names
    kept = [_without_orgs(c) for c in without_asides(repaired(list(pieces))) if c and not _drop_clause(c, drop_ip)]
    body = "，".join(c for c in kept if len(c) >= 2)
    if len(body) < 4 or is_affirmative(body) or is_skip(body) or not meaningful(body):
        return None
    if cue is not None and not cue.search(body):
        return None
    return mandarin(body)  # stored and read by others: '本地冇得人' → '本地没有人'


WEATHER = re.compile(r"(下(?:大|小|暴|阵)?雨(?!天)|下雪|雨水|天旱|干旱|大旱|天气|(?:好|太|真|特别|贼)(?:热|冷)(?![处水])|热死|冷死|台风|"
                     r"^(?:今天|这几天|这两天|最近|这阵子)?[一二三四五六七八九十两\d]+度[啊呀了]*$)")  # '这几天下大雨', '三十七度'
_PAST = r"(?:原来|之前|以前|上次|上回|当初|前几年|去年|前年|上个月|上半年|前段时间|那时候)"
_PARTY = r"(?:老板|老总|领导|人家|别人|厂家|供应商|外地|[那这一]家|合作的|找的|请的)"
STORY = re.compile(rf"{_PAST}.{{0,10}}?{_PARTY}|{_PARTY}.{{0,6}}?{_PAST}")  # '原来合作的那个…公司', '老板上个月去…'
EMOTE = re.compile(r"^(?:真是|真|简直|太)?(?:(?:烦|气|坑|急|愁|累|吓|忙|闷|难受)死(?:了|人了?|我了|个人)|唉+|哎呀|唉呀|"
                   r"真是的|要命|无语|郁闷|太黑了?|坑人)[啊呀哦了吧！!～~]*$")  # '烦死了', '气死人', '唉'


def _opens_aside(clause: str) -> bool:
    """A clause that turns from the need to something beside it: the weather ('这几天下大雨'), or a story of
    others in the past ('原来合作的那个…公司倒闭了', '我们老板上个月去德国看展会'), asking for nothing."""
    if _seeks(clause) or PROBLEM.search(clause):  # '下雨天摄像头老是误报': the weather is the problem's setting
        return False
    return bool(WEATHER.search(clause) or STORY.search(clause))


def _seeks(clause: str) -> bool:
    """The clause asks for help ('原来合作的…' tells of a past partner, '工人都不想上班' wants nothing)."""
    return bool(SEEK.search(re.sub(r"(?:不|没)(?:想|要|需要|希望)", "", STORY.sub("", clause))))


def without_asides(pieces: list[str]) -> list[str]:
    """The clauses of a message without its asides: an outburst ('烦死了'), and from a clause that turns to the
    weather or to a story of others up to the next clause that asks for help ('…这几天下大雨，仓库都返潮了' goes,
    '所以想找…' would stay)."""
    kept: list[str] = []
    aside = False
    for clause in pieces:
        aside = (aside or _opens_aside(clause)) and not _seeks(clause)
        if not aside and not EMOTE.match(clause.strip()):
            kept.append(clause)
    return kept


FINE = re.compile(r"(还好|还行|没问题|没有问题|冇得?问题|没得问题|不是问题|停了|停掉了|关了|不做了|不用了|试过了?|没事)")  # said of the wrong thing
_FINE_HEAD = re.compile(r"那个|那条|那边|那块|这个|这块|倒|也|其实|都|早就|还|我们|没|冇|不|停|试")
REPAIR_CUE = re.compile(r"^(?:[哦噢嗯哎啊]|我|刚才|刚刚|前面|之前|不对)*"
                        r"(?:说错了|讲错了|搞错了|弄错了|记错了|(?:说|讲)得?不(?:准确|对)|不对|口误)+")
NOUN_ONLY = 6  # characters: a correction this short that names no problem replaces just the wrong word ('应该是片剂')


def corrected_away(old: str, clause: str) -> str | None:
    """The thing of ``old`` a clause of a correction says is fine or gone ('激光雷达那个冇得问题', '胶囊那条线早就停了',
    '孔隙率倒还好'), or None."""
    if not FINE.search(clause):
        return None
    head = _FINE_HEAD.split(clause.strip())[0]
    return next((head[:size] for size in range(min(len(head), 8), 1, -1) if head[:size] in old), None)


def revision(old: str, text: str, wrong: str | None = None) -> tuple[str | None, str | None]:
    """What a correction says instead, and the thing of ``old`` it corrects away (``wrong`` when the caller knows it,
    else one it calls fine or gone); the clauses naming the wrong thing and the correction cue are left out."""
    clauses = [c.strip() for c in PIECES.split(text) if c.strip()]
    wrong = wrong or next((w for c in clauses if (w := corrected_away(old, c))), None)
    said = "，".join(c for c in (_LEAD.sub("", REPAIR_CUE.sub("", c)) for c in clauses if not (wrong and wrong in c)) if c)
    word = said if len(said) <= NOUN_ONLY and meaningful(said) and not _drop_clause(said) else None  # '片剂'
    return content_text(said, None) or word, wrong


def revised(old: str, wrong: str, instead: str) -> str:
    """``old`` with ``wrong`` corrected: a bare word ('片剂') takes its place, a whole statement replaces the clause
    that holds it ('蒙皮和泡沫芯之间脱粘' for '…孔隙率偏高')."""
    if len(instead) <= NOUN_ONLY and not NEED_CUE.search(instead):
        return old.replace(wrong, instead)
    clauses = [c for c in PIECES.split(old) if c.strip()]
    hit = next((i for i, c in enumerate(clauses) if wrong in c), None)
    if hit is None:  # the wrong words run across a pause
        return old.replace(wrong, instead)
    return "，".join([*clauses[:hit], instead, *(c for c in clauses[hit + 1:] if wrong not in c)])


BARE_REPAIR = re.compile(r"^(?:[哦噢嗯哎啊呃])*(?:不是|不对|说错了|讲错了|口误)+[啊呀]?$")  # '哦不是' between two words
REPAIRED_TAIL = 6  # characters after the last 的 that a repair replaces ('想买现成的轮毂' → '想买现成的…')


def repaired(pieces: list[str]) -> list[str]:
    """Clauses with a repair in passing applied: '想买现成的轮毂，哦不是，是副车架的轻量化技术' → '想买现成的副车架的
    轻量化技术' (the words after the last 的 give way; without one, the whole clause does)."""
    out: list[str] = []
    fix = False
    for clause in pieces:
        if BARE_REPAIR.match(clause.strip()):
            fix = bool(out)
            continue
        if fix:
            prev = out.pop()
            cut = prev.rfind("的")
            head = prev[:cut + 1] if cut >= 0 and len(prev) - cut - 1 <= REPAIRED_TAIL else ""
            clause = head + _LEAD.sub("", clause.strip())
        fix = False
        out.append(clause)
    return out


def _dictation_breaks(text: str) -> str:
    """Commas where a new fact starts in text dictated without any pause: after each organisation name and before
    the words that open a fact ('…有限公司在樊城区做…想找专家攻关预算三十万联系人…')."""
    for _, end, _name in reversed(org_spans(text)):
        end += text.startswith("的", end)  # '…有限公司的我们在襄州' : the 的 belongs to the name's clause
        end += bool(re.match(r"[嘛呢啊吧哈呀]", text[end:end + 1]))  # '…有限公司嘛最近…': so does a particle
        text = f"{text[:end]}，{text[end:]}"
    return VOICE_BREAK.sub("，", text)


def meaningful(text: str) -> bool:
    """Whether a value has real words: at least two Chinese characters, letters or digits (not emoji/punctuation)."""
    return len(re.findall(r"[\u4e00-\u9fffA-Za-z0-9]", text)) >= 2


NEED_CUE = re.compile(f"{SEEK.pattern}|{PROBLEM.pattern}")


def need_text(text: str, *, strict: bool = True) -> str | None:
    """The need/problem part of a message; ``strict`` requires a need or problem cue."""
    return content_text(text, NEED_CUE if strict else None)


def offer_text(text: str, *, strict: bool = True) -> str | None:
    """The technical description of a research result; ``strict`` requires a technical cue."""
    return content_text(text, TECH if strict else None, drop_ip=True)


def city_of(region: str | None) -> str | None:
    """The city of a canonical region ('襄阳市高新区' → '襄阳')."""
    if not region:
        return None
    m = re.match(r"(襄阳|十堰|随州|神农架)", region)
    return m.group(1) if m else None


def industry_named(text: str) -> str | None:
    """The industry the text names or implies."""
    hit = industry_hit(text)
    return hit.value if hit else None



_SELF_WORDS = re.compile(r"我们|俺们|咱们|我司|我是|就是|是|的|这边|那边|这里|那里|叫|公司|厂|这家|单位|在|呢|啊")
_SEPARATED = re.compile(r"([，,。；;！!？?\n]+)")


_NAMING = re.compile(r"(?:我们|咱们|俺们|我|俺)?(?:的|家)?(?:厂子|厂里|工厂|厂|公司|单位|企业|合作社|店)(?:的)?(?:名字|名称)?"
                     r"(?:叫做|名叫|叫|是)\s*$")


def _name_cut(clause: str, company: str) -> str | None:
    """One clause without the company's name; None when nothing but who they are is left ('我们是樊城的华锦');
    in words without pauses, the naming words go with the name ('…做纱线的我们厂叫华锦就是…')."""
    span = own_name_span(clause, company)
    if span is None or not _stands_as_name(clause, span, company):
        return clause
    if named := _NAMING.search(clause[:span[0]]):
        rest = clause[:named.start()] + re.sub(r"^(?:也就是|就是|嘛|呢|啊)*", "", clause[span[1]:])
        return None if _only_self(rest, 1) else rest
    rest = clause[:span[0]] + re.sub(r"^(?:的|这边|那边|这里|那里)+", "", clause[span[1]:])
    if _only_self(rest, 1):
        return None
    return rest if _only_self(clause[:span[0]], 0) else clause  # the name as who speaks, not '需要精工加工'


def _stands_as_name(clause: str, span: tuple[int, int], company: str) -> bool:
    """A part of the short name is a name only where it is used as one ('华锦的布', '恒泰这边', '我们是…华锦'), not
    where it is a common word that starts the problem ('智能检测设备老是误报' for 襄阳智能装备有限公司)."""
    if span[1] - span[0] >= len(brand_of(company)) or company in clause:
        return True
    before, after = clause[:span[0]], clause[span[1]:]
    return bool(_NAMING.search(before) or re.search(r"(?:我们|咱们|俺们|是|的)\s*$", before)
                or re.match(r"(?:这边|那边|这里|那里|这儿|那儿|公司|厂|家|的)", after) or not after.strip())


def _only_self(words: str, room: int) -> bool:
    """Whether words say no more than who and where the speaker is ('我们是樊城的'), up to ``room`` characters."""
    for _, region in sorted(region_mentions(words), key=lambda m: -m[0]):
        words = words.replace(region.raw, "", 1)
    return len(re.findall(r"[\u4e00-\u9fff]", _SELF_WORDS.sub("", words))) <= room


def without_own_name(text: str, company: str | None) -> str:
    """A description without the company's own (short) name: a clause that only says who they are
    ('我们是樊城的华锦') goes, elsewhere the name is cut out ('华锦的布老掉色' → '布老掉色')."""
    if not text or not company or industry_hit(brand_of(company)[:2]):  # '汽车轴承…': a trade word, not a name
        return text
    parts = _SEPARATED.split(text)
    out: list[str] = []
    for clause, sep in zip(parts[::2], [*parts[1::2], ""], strict=True):
        kept = _name_cut(clause, company)
        if kept and kept.strip():
            out += [kept, sep]
    return "".join(out).strip("，,；; ") or text


def tidied(values: dict[str, Any], key: str, *, company: bool = False) -> dict[str, Any]:
    """``{key: cleaned}`` when the free text ``values[key]`` still holds clauses that only name the contact (and,
    with ``company``, the company's own short name) once they are known, or only filler; ``{}`` when nothing changes."""
    text = values.get(key)
    if not text:
        return {}
    cleaned = without_own_name(text, values.get("company")) if company else text
    cleaned = without_filler(without_person(cleaned, values.get("contact_name")))
    return {key: cleaned} if cleaned != text else {}


def without_filler(text: str) -> str:
    """A description without its clauses that name nothing specific ('最近有个问题想请教一下'), when any clause does."""
    parts = _SEPARATED.split(text or "")
    kept = [(c, sep) for c, sep in zip(parts[::2], [*parts[1::2], ""], strict=True) if c.strip() and not is_filler(c)]
    return "".join(c + sep for c, sep in kept).strip("，,；; ") if kept else text


def without_person(text: str, name: str | None) -> str:
    """A description without the clauses that only name the contact ('王志勇', '王总', '王总王志勇')."""
    if not text or not name:
        return text
    parts = _SEPARATED.split(text)
    out: list[str] = []
    for clause, sep in zip(parts[::2], [*parts[1::2], ""], strict=True):
        cue = _CONTACT_LEAD.match(clause.strip())
        bare = re.sub(r"(?:的)?(?:电话|手机)?$", "", clause.strip()[cue.end() if cue else 0:])
        role_only = bool(cue and cue.group(1) and _ROLE_ONLY.fullmatch(bare))  # '联系我们课题组长'
        if not role_only and bare not in (name, *(f"{name[0]}{t}" for t in _PERSON_TITLES),
                                          *(f"{name[0]}{t}{name}" for t in _PERSON_TITLES)):
            out += [clause, sep]
    return "".join(out).strip("，,；; ") or text


_CONTACT_LEAD = re.compile(r"^(?:我是|我叫|是|找|(联系人?(?:是|就是|找)?|有事找)(?:我们的?|我的|俺们)?)")
_PERSON_TITLES = ("总", "工", "经理", "厂长", "主任", "老师", "教授", "博士", "师傅", "老板", "书记", "部长", "主管", "总监",
                  "组长", "所长", "院长", "科长", "站长", "研究员")
_ROLE_ONLY = re.compile(rf"[\u4e00-\u9fff]{{0,4}}(?:{'|'.join(_PERSON_TITLES)})")
