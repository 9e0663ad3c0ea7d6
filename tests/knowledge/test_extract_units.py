"""Unit tests of knowledge.extract: numbers, places, names, dates, intents and corrections."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from knowledge.extract import (
    detect_correction,
    extract_all,
    extract_amount,
    extract_companions,
    extract_company,
    extract_date_range,
    extract_industry,
    extract_institution,
    extract_ip,
    extract_maturity,
    extract_need_type,
    extract_party_size,
    extract_person_name,
    extract_phone,
    extract_phones,
    extract_region,
    industry_hit,
    is_affirmative,
    is_cancel,
    is_negative,
    is_restart,
    is_skip,
)

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2027, 3, 10, 9, 30, tzinfo=TZ)  # a Wednesday


@pytest.mark.parametrize(("text", "want"), [
    ("两百万", "200万元"), ("200w", "200万元"), ("200W", "200万元"), ("二百万元", "200万元"),
    ("八十万左右", "80万元"), ("十五万", "15万元"), ("50-80万", "50-80万元"), ("五十到八十万", "50-80万元"),
    ("1.5亿", "15000万元"), ("300万以内", "300万元"), ("不超过100万", "100万元"), ("３０万", "30万元"),
    ("3000元/月", "0.3万元/月"), ("年薪面议", "面议"), ("待遇面议", "面议"), ("面议", "面议"),
    ("一万五一个月", "1.5万元/月"), ("二三十万", "20-30万元"), ("预算八十", "80万元"), ("100多万", "100万元"),
])
def test_amounts(text: str, want: str) -> None:
    amount = extract_amount(text)
    assert amount is not None and amount.normalized == want


def test_amount_keeps_raw_text_and_bounds() -> None:
    amount = extract_amount("预算50万到80万左右")
    assert amount is not None and amount.raw.startswith("50万到80万")
    assert (amount.low_wan, amount.high_wan, amount.negotiable) == (50, 80, False)
    assert extract_amount("面议").negotiable is True  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["13800001234", "2027年3月", "良品率95%", "我们有500人", "电话0710-5550101",
                                  "年产值5000万", "那一块", "5000W的电机", "注册资本1000万", "两项专利"])
def test_not_amounts(text: str) -> None:
    assert extract_amount(text) is None


def test_correction_takes_the_new_amount() -> None:
    assert extract_amount("说错了，是一百二十万，不是一百万").normalized == "120万元"  # type: ignore[union-attr]


@pytest.mark.parametrize(("text", "want"), [
    ("电话13800001234", ["13800001234"]), ("+86 138 0000 1234", ["13800001234"]),
    ("138-0000-1234", ["13800001234"]), ("座机0710-5550101", ["0710-5550101"]),
    ("(0710)5550101", ["0710-5550101"]), ("0710 5550101", ["0710-5550101"]),
    ("电话5550101", ["5550101"]), ("１３８００００１２３４", ["13800001234"]),
    ("预算200万，身份证420602198001011234", []), ("订单20270315001", []), ("5550101元", []),
])
def test_phones(text: str, want: list[str]) -> None:
    assert extract_phones(text) == want


def test_phone_correction_last_wins() -> None:
    assert extract_phone("电话13800008888，哦不对，是13800008889") == "13800008889"
    assert extract_phone("手机13800001111 座机0710-5550101") == "13800001111"


@pytest.mark.parametrize(("text", "name", "detail"), [
    ("在高新区", "襄阳市高新区", "襄阳市高新区"), ("东津那边", "襄阳市东津新区", "襄阳市东津新区"),
    ("襄州的厂", "襄阳市襄州区", "襄阳市襄州区"), ("枣阳", "襄阳市枣阳市", "襄阳市枣阳市"),
    ("丹江口", "十堰市", "十堰市丹江口市"), ("随县", "随州市", "随州市随县"), ("神农架", "神农架林区", "神农架林区"),
    ("十堰高新区", "十堰市", "十堰市"), ("我们在十堰茅箭", "十堰市", "十堰市茅箭区"),
])
def test_regions(text: str, name: str, detail: str) -> None:
    region = extract_region(text)
    assert region is not None and (region.name, region.detail) == (name, detail)


def test_region_negation_and_correction() -> None:
    assert extract_region("不是东津，是高新区").name == "襄阳市高新区"  # type: ignore[union-attr]
    assert extract_region("在樊城，不对，是十堰").name == "十堰市"  # type: ignore[union-attr]
    assert extract_region("我们是高新技术企业") is None
    assert extract_region("襄阳锦川家纺有限公司").in_org_name is True  # type: ignore[union-attr]


def test_industry_explicit_overrides_product_hint() -> None:
    hit = industry_hit("做专用汽车的，焊烟太大想除尘，算环保方面的吧")
    assert hit is not None and (hit.value, hit.explicit) == ("节能环保", True)
    assert extract_industry("做床上用品的") == "纺织服装"
    assert extract_industry("今天天气不错") is None


@pytest.mark.parametrize("text", ["医院污水处理设备", "制药废水处理技术", "汽车尾气净化装置"])
def test_equipment_treating_a_pollutant_is_environmental(text: str) -> None:
    """In '<site> <pollutant> <action> <device>' the pollutant is what is treated: the site or customer before it
    (hospital, pharma plant, car) is no sector."""
    assert extract_industry(text) == "节能环保"


@pytest.mark.parametrize(("text", "want"), [
    ("想找高校帮忙解决", "技术攻关"), ("成熟技术直接买过来", "成果转化"), ("本地招不到人", "人才引进"),
    ("想借用一下你们的仪器", "设备共享"), ("要做个检测认证", "检验检测"), ("想要贷款", "科技金融"),
    ("好的", None), ("不需要贷款，想找专家帮忙解决工艺问题", "技术攻关"),
])
def test_need_types(text: str, want: str | None) -> None:
    assert extract_need_type(text) == want


def test_orgs() -> None:
    assert extract_company("我们是襄阳恒达机械有限公司，在襄州") == "襄阳恒达机械有限公司"
    assert extract_company("公司叫襄阳驰远科技有限公司") == "襄阳驰远科技有限公司"
    assert extract_company("我们工厂在城郊") is None
    assert extract_institution("楚北农业科学研究院茶叶所") == "楚北农业科学研究院"
    assert extract_institution("我是鄂北理工大学机械学院的老师") == "鄂北理工大学"


@pytest.mark.parametrize(("text", "want"), [
    ("联系人张伟，电话13800001234", "张伟"), ("我是李娜 13800005678", "李娜"), ("我叫王秀兰", "王秀兰"),
    ("联系人姓王，王建国", "王建国"), ("找陈工", "陈工"), ("联系人改成孙强，电话不变", "孙强"),
    ("联系人就我，吴志强", "吴志强"), ("刘敏 13800002222", "刘敏"), ("我是鄂北理工大学的老师", None),
    ("襄阳储安能源科技有限公司 刘洋 13800007890", "刘洋"), ("我姓欧阳，欧阳明辉", "欧阳明辉"),
])
def test_person_names(text: str, want: str | None) -> None:
    assert extract_person_name(text) == want


def test_companions_and_party_size() -> None:
    assert extract_companions("跟我老伴一起去，他叫李德全") == ["李德全"]
    assert extract_companions("孩子叫黄子涵、黄子墨") == ["黄子涵", "黄子墨"]
    assert extract_party_size("一家四口") == 4
    assert extract_party_size("那就我和两个孩子") == 3
    assert extract_party_size("带我孙子一起") == 2
    assert extract_party_size("跟我老伴一起") == 2
    assert extract_party_size("就我自己") == 1
    assert extract_party_size("想报名") is None


def test_achievement_fields() -> None:
    assert extract_maturity("已经在两家企业用上了") == "已产业化"
    assert extract_maturity("中试做完了") == "中试"
    assert extract_maturity("还在实验室") == "实验室阶段"
    assert extract_maturity("准备做中试") is None
    assert extract_maturity("已经在两家电池厂小批量试用了") == "中试"  # a trial in a factory is no production use
    assert extract_ip("有两项授权发明专利") == "授权发明专利2项"


@pytest.mark.parametrize(("text", "start", "end"), [
    ("明天", datetime(2027, 3, 11, tzinfo=TZ), datetime(2027, 3, 12, tzinfo=TZ)),
    ("下周三下午", datetime(2027, 3, 17, 12, tzinfo=TZ), datetime(2027, 3, 17, 18, tzinfo=TZ)),
    ("下周", datetime(2027, 3, 15, tzinfo=TZ), datetime(2027, 3, 22, tzinfo=TZ)),
    ("这周末", datetime(2027, 3, 13, tzinfo=TZ), datetime(2027, 3, 15, tzinfo=TZ)),
    ("3月13号", datetime(2027, 3, 13, tzinfo=TZ), datetime(2027, 3, 14, tzinfo=TZ)),
    ("本月", datetime(2027, 3, 10, tzinfo=TZ), datetime(2027, 4, 1, tzinfo=TZ)),
])
def test_date_ranges(text: str, start: datetime, end: datetime) -> None:
    assert extract_date_range(text, NOW) == (start, end)


def test_no_date() -> None:
    assert extract_date_range("我想报名", NOW) is None


def test_intents() -> None:
    assert all(map(is_affirmative, ["对，提交吧", "对 就这些 提交", "没问题", "确认", "好的"]))
    assert not any(map(is_affirmative, ["不对", "不是这个", "好像不对"]))
    assert is_negative("不对") and not is_negative("没问题")
    assert all(map(is_cancel, ["取消", "算了，不弄了", "算了算了，这个先不登了", "不报了"]))
    assert not is_cancel("别取消，我还要报")
    assert all(map(is_skip, ["跳过", "没有", "暂时没有"])) and not is_skip("没有设备，想借用")
    assert is_restart("重新填") and not is_restart("填好了")


@pytest.mark.parametrize(("text", "fields"), [
    ("电话说错了，是13800001243", {"contact_phone"}), ("号码打错了", {"contact_phone"}),
    ("联系人改成孙强，电话不变", {"contact_name"}), ("预算改成300万", {"budget"}),
    ("不是东津，是高新区", {"region"}), ("哦不对，我们去年搬到高新区了", {"region"}),
    ("电话13800008888，哦不对，是13800008889", {"contact_phone"}), ("联系人张伟，电话13800001234", set()),
])
def test_detect_correction(text: str, fields: set[str]) -> None:
    assert detect_correction(text) == fields


def test_extract_all_fills_several_slots() -> None:
    fields = extract_all("我们在樊城，做汽车线束的，想找成熟技术买过来，预算一百万，"
                         "公司叫襄阳联线电器有限公司，联系人周涛 13800009999")
    assert fields["region"].name == "襄阳市樊城区"
    assert fields["industry"] == "汽车及零部件" and fields["need_type"] == "成果转化"
    assert fields["budget"].normalized == "100万元" and fields["company"] == "襄阳联线电器有限公司"
    assert (fields["contact_name"], fields["contact_phone"]) == ("周涛", "13800009999")
