"""The controlled vocabularies of the sample schema (shared by import, extraction, matching and dialogue)."""

from __future__ import annotations

INDUSTRIES: tuple[str, ...] = (
    "汽车及零部件",
    "智能网联汽车",
    "医药健康",
    "高端装备制造",
    "纺织服装",
    "新能源新材料",
    "现代农业",
    "航空航天",
    "电子信息",
    "节能环保",
)
NEED_TYPES: tuple[str, ...] = ("技术攻关", "成果转化", "人才引进", "设备共享", "检验检测", "科技金融")
MATURITIES: tuple[str, ...] = ("实验室阶段", "小试", "中试", "已产业化")
EVENT_CATEGORIES: tuple[str, ...] = (
    "健康科普进农村",
    "健康科普进社区",
    "健康科普进学校",
    "健康科普进企业",
    "健康科普进机关",
    "科技服务活动",
    "技术培训",
)
