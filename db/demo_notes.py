"""Free text for the demo: short Chinese activity notes and survey comments (drawn, not written)."""

from __future__ import annotations

import numpy as np
import pandas as pd

NOTES = {
    "call": ["来电咨询户型与价格", "来电咨询开盘时间", "来电询问优惠政策", "来电了解车位配比", "来电咨询学区划片"],
    "first_visit": ["首次到访，客户关注学区", "首访，关注户型朝向", "首访，预算有限考虑小户型", "首访，对比周边竞品",
                    "首访，一家三口看样板间", "首访，关注交房时间", "首访，关注物业与配套", "首访，客户关注地铁距离"],
    "revisit": ["复访，带家人看样板间", "复访，详细算价", "复访，关注楼层与采光", "复访，咨询贷款方案",
                "复访，客户关注学区", "复访，对比两个户型"],
    "pledge": ["到访认筹，缴纳诚意金", "到访认筹，意向楼栋已选"],
    "subscription": ["到访认购，签订认购书", "到访认购，已交定金"],
    "viewing": ["带看样板间", "带看工地现场", "带看小区园林与会所"],
    "phone": ["电话回访，客户仍在比较", "电话邀约周末复访", "电话沟通贷款资质", "电话未接通", "电话跟进，客户考虑中",
              "电话告知加推信息", "电话确认到访时间"],
    "wechat": ["微信发送户型图", "微信推送优惠活动", "微信沟通付款方式", "微信发送工程进度", "微信回复客户疑问",
               "微信邀约到访", "微信发送贷款测算"],
}
COMMENTS = {
    "good": ["顾问很专业，讲解清楚", "服务热情周到", "样板间体验很好", "顾问耐心解答问题", "流程顺畅，效率高"],
    "neutral": ["整体还行，等待时间有点长", "信息有点多，需要再考虑", "价格解释不够清楚", "停车不太方便"],
    "bad": ["顾问回复太慢", "承诺的优惠没兑现", "接待时没人理", "说法前后不一致"],
    "closing_bad": ["催促下定让人反感", "签约流程太繁琐", "顾问回复太慢", "逼单太急，体验差"],
}


def _draw(rng: np.random.Generator, options: list[str], n: int) -> np.ndarray:
    return np.array(options, dtype=object)[rng.integers(0, len(options), n)]


def activity_notes(rng: np.random.Generator, keys: np.ndarray, deals: pd.DataFrame,
                   deal: np.ndarray, funnel) -> np.ndarray:
    """A note per activity by its note key; a lost deal's last call names the reason."""
    out = np.full(keys.size, None, dtype=object)
    for key, options in NOTES.items():
        mask = keys == key
        out[mask] = _draw(rng, options, int(mask.sum()))
    lost = keys == "lost"
    out[lost] = "客户放弃：" + pd.Series(funnel.lost_reason[deal[lost]], dtype=object).astype(str).to_numpy()
    first = (keys == "first_visit") & (rng.random(keys.size) < 0.5)
    layout = deals["intent_layout"].to_numpy()[deal[first]].astype(str)
    out[first] = (pd.Series(out[first], dtype=str) + "，意向" + layout).to_numpy(dtype=object)
    return out


def survey_comments(rng: np.random.Generator, csat: np.ndarray, closing: np.ndarray) -> np.ndarray:
    """A comment on ~40% of surveys, in the tone of the score; 成交组 complaints are about pressure."""
    out = np.full(csat.size, None, dtype=object)
    has = rng.random(csat.size) < 0.4
    for bucket, mask in (("good", csat >= 4), ("neutral", csat == 3), ("bad", (csat <= 2) & ~closing),
                         ("closing_bad", (csat <= 2) & closing)):
        chosen = has & mask
        out[chosen] = _draw(rng, COMMENTS[bucket], int(chosen.sum()))
    pushy = has & closing & (csat == 3) & (rng.random(csat.size) < 0.5)
    out[pushy] = _draw(rng, COMMENTS["closing_bad"], int(pushy.sum()))
    return out
