"""Researcher conversations through the real webhook: failure classes found by replaying
``tests/support/data/dialogues_voices9.jsonl`` (achievements and alert subscriptions) before changing anything — sector
words as alert topics ('医药', '环保方面', '汽车零部件'), '如有…企业发布相关需求 也请推送给我' and '顺便想订阅X方面的企业
需求', subscribing while declining to register ('暂无成果需要登记'), '有厂家要搞X的 能告诉我一声不', '还有X的也要' just
after subscribing, a clause that only announces a result, a means clause or a bare method taken for the title, the
stage the user says to write down, and a correction of the unit. Sentences are phrased unlike the data set's.
"""

from __future__ import annotations

from bot.container import Container
from tests.chat import test_forms_classes_webhook as classes
from tests.chat import test_forms_voices5_webhook as voices5
from tests.chat import test_forms_webhook as forms_chat

services, wx = forms_chat.services, forms_chat.wx  # a database with the sample events, a clock before the deadlines
say, submit = forms_chat.say, forms_chat.submit
achievement_of, topics_of = voices5.achievement_of, classes.topics_of


def _has_achievement(services: Container, openid: str) -> bool:
    """Whether the user registered any result."""
    try:
        achievement_of(services, openid)
    except Exception:  # noqa: BLE001 - NoResultFound: none registered
        return False
    return True


def test_sector_words_asked_as_alerts_name_catalogue_industries(wx: object, services: Container) -> None:
    """'如有环保企业发布相关需求，也请推送给我' subscribes to 节能环保 (not '如有环保企业发布'); a list of sector words
    only ('医药和新能源材料') names the catalogue industries; a list with a specific technology keeps the words."""
    openid = "r9_sector"
    say(wx, openid, "想登记一项成果", "楚北理工大学", "一种高效脱硫除尘一体化装置，小试做完了", "没有专利",
        "联系人 邝文博 13800098901", "另外，如有环保企业发布相关需求，也请推送给我。")
    submit(wx, openid)
    assert topics_of(services, openid) == ["节能环保"]
    openid = "r9_sector_two"
    say(wx, openid, "想登记一项成果", "楚北理工大学", "一种高效脱硫除尘一体化装置，小试做完了", "没有专利",
        "联系人 邝文博 13800098902", "医药和新能源材料方面有企业需求的话也推给我")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["医药健康", "新能源新材料"])
    openid = "r9_sector_mixed"
    say(wx, openid, "想登记一项成果", "楚北理工大学", "一种高效脱硫除尘一体化装置，小试做完了", "没有专利",
        "联系人 邝文博 13800098903", "热喷涂和汽车零部件方面有企业需求的话也推给我")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["热喷涂", "汽车零部件"])


def test_subscribing_in_the_opening_message_names_no_field(wx: object, services: Container) -> None:
    """'…顺便想订阅X和Y方面的企业需求' at the end of a full registration: X and Y are alert topics, they are not
    the result's field, and the clause is no part of the description."""
    openid = "r9_subscribe_too"
    say(wx, openid, "楚北农业大学园艺学院，成果是猕猴桃溃疡病的生物防治菌剂，已经在三个果园推广了，有2项发明专利，"
                    "联系人闵德全13800098904。顺便想订阅电子信息和汽车零部件方面的企业需求。")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.field == "现代农业" and "订阅" not in row.summary
    assert topics_of(services, openid) == sorted(["电子信息", "汽车及零部件"])


def test_subscribing_while_declining_to_register(wx: object, services: Container) -> None:
    """'暂无成果需要登记，希望订阅X、Y领域的企业技术需求信息' subscribes (no achievement form)."""
    openid = "r9_no_result"
    say(wx, openid, "您好，本人是楚北理工大学材料学院讲师，暂无成果需要登记，希望订阅新能源新材料、节能环保领域的"
                    "企业技术需求信息。联系人：邝文博，电话：13800098905。")
    submit(wx, openid)
    assert topics_of(services, openid) == sorted(["新能源新材料", "节能环保"])
    assert not _has_achievement(services, openid)


def test_a_question_asking_to_be_told_of_makers(wx: object, services: Container) -> None:
    """'有厂家要搞X技术的 能告诉我一声不' asks for alerts on X (a sector: its catalogue industry)."""
    openid = "r9_tell_me"
    say(wx, openid, "有厂家要搞医药技术的 能告诉我一声不")
    submit(wx, openid)
    assert topics_of(services, openid) == ["医药健康"]
    assert not _has_achievement(services, openid)


def test_also_right_after_subscribing_adds_the_topic(wx: object, services: Container) -> None:
    """'还有那个X的也要' just after a topic was added adds X (it is no unclear message)."""
    openid = "r9_also"
    say(wx, openid, "我不登成果，就想收需求提醒", "铸造")
    submit(wx, openid)
    say(wx, openid, "以后有热处理方面的需求也提醒我")
    reply = say(wx, openid, "还有那个粉末冶金的也要")
    assert "粉末冶金" in reply
    assert topics_of(services, openid) == sorted(["铸造", "热处理", "粉末冶金"])


def test_a_clause_announcing_a_result_is_no_description(wx: object, services: Container) -> None:
    """'我们团队有一项成果想放到你们平台上' says nothing about the result (no title '成果想放到…'); in '我们实验室有个
    成果 X …' the words after it are the result even without a technical word."""
    openid = "r9_announce"
    say(wx, openid, "喂 您好 我们团队有一项成果想放到你们平台上 是这里吧", "楚北理工大学",
        "是那个风电叶片的结构损伤监测 还在实验室阶段", "没有专利", "联系人 邝文博 13800098906", "新能源新材料")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "平台" not in row.title and "平台" not in row.summary and "损伤监测" in row.title
    openid = "r9_apposition"
    say(wx, openid, "我们实验室有个成果 高支竹纤维混纺纱 手感跟真丝差不多 想登记一下", "楚北纺织学院", "正在做中试 在一家纱厂",
        "没有专利", "联系人 邝文博 13800098907", "纺织服装")
    submit(wx, openid)
    assert "竹纤维" in achievement_of(services, openid).title


def test_a_means_clause_or_a_bare_method_is_not_the_whole_title(wx: object, services: Container) -> None:
    """'用声发射传感器的' says how, not what (the title is what the result is); '做的是X的那个轻量化 Y工艺' keeps X
    in the title, and a vehicle part (稳定杆) makes the field 汽车及零部件."""
    openid = "r9_means"
    say(wx, openid, "想登记一项成果", "楚北理工大学", "是那个风电叶片复合材料主梁的结构损伤监测 用声发射传感器的 还在实验室阶段",
        "没有专利", "联系人 邝文博 13800098908", "新能源新材料")
    submit(wx, openid)
    title = achievement_of(services, openid).title
    assert "损伤监测" in title and "传感器" not in title
    openid = "r9_what_for"
    say(wx, openid, "想登记一项成果", "楚北理工大学",
        "嗯我们做的是商用车稳定杆的那个轻量化 空心管材热成形工艺 已经在合作企业做了中试", "没有专利",
        "联系人 邝文博 13800098909")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert "稳定杆" in row.title and "热成形" in row.title and row.field == "汽车及零部件"


def test_the_stage_the_user_says_to_write_down_wins(wx: object, services: Container) -> None:
    """'算中试吧……哦其实还在小试，写小试吧': the stage to write down, not the most advanced one said; clauses that
    only state the stage are no part of the description."""
    openid = "r9_write_stage"
    say(wx, openid, "我是楚北理工大学的老师，登记一个成果：低温固化的水性防腐涂料",
        "算中试吧……哦其实还在小试，写小试吧", "没有专利", "联系人 邝文博 13800098910", "新能源新材料")
    submit(wx, openid)
    row = achievement_of(services, openid)
    assert row.maturity == "小试" and "写小试" not in row.summary and "防腐涂料" in row.summary


def test_a_correction_of_the_unit_in_the_achievement_form(wx: object, services: Container) -> None:
    """'不对不对 是X研究所 研究院是我们上级单位': the research unit is corrected (it was not understood)."""
    openid = "r9_unit_fix"
    say(wx, openid, "您好 我们单位想登记成果 单位名是楚北材料科学研究院", "不对不对 是楚北材料科学研究所 研究院是我们上级单位",
        "成果是一种低温固化的水性防腐涂料，小试做完了", "没有专利", "联系人 邝文博 13800098911", "新能源新材料")
    submit(wx, openid)
    assert achievement_of(services, openid).institution == "楚北材料科学研究所"


def test_a_labelled_result_without_a_technical_word_is_the_description(wx: object, services: Container) -> None:
    """'…学院，成果是X' and '登记一个成果：X' introduce the result even when X has no technical word (a gel, a yarn)."""
    openid = "r9_labelled"
    say(wx, openid, "楚北医学院药学系，成果是一款促进烧伤创面愈合的中药外用喷雾，还在实验室阶段", "没有专利",
        "联系人 邝文博 13800098912", "医药健康")
    submit(wx, openid)
    assert "喷雾" in achievement_of(services, openid).summary
    openid = "r9_colon"
    say(wx, openid, "我是楚北纺织学院的老师，登记一个成果：高支竹纤维混纺纱", "正在做中试", "没有专利",
        "联系人 邝文博 13800098913", "纺织服装")
    submit(wx, openid)
    assert "竹纤维" in achievement_of(services, openid).title


def test_a_longer_message_after_subscribing_is_not_an_added_topic(wx: object, services: Container) -> None:
    """Review finding: within 30 minutes of a subscription, '还有，我们是做新能源电池的企业，想找高校合作' added
    '找高校合作' as an alert topic; it is a need of its own, and the topics stay as they were."""
    openid = "r9_also_long"
    say(wx, openid, "我不登成果，就想收需求提醒", "铸造")
    submit(wx, openid)
    say(wx, openid, "我的订阅")
    say(wx, openid, "还有，我们是做新能源电池的企业，想找高校合作解决电池鼓包的问题")
    assert topics_of(services, openid) == ["铸造"]
