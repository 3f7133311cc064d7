"""Default stage maps per source and the word lists that turn export text into canonical keys.

A stage map takes a source stage name to a canonical stage key (domain.STAGES) or 'lost'. The
shipped defaults below are merged with the user's own mappings (table stage_map, which wins).
Words are matched after `db.imports.word_key_sql` (case, spacing and a trailing "(30%)" ignored).

Decisions worth knowing:
- Won words (Closed Won, 赢单, 成交, …) map to 'contract': a stage past subscription, so such deals
  are won whether the won stage setting is subscription (认购即成交, the default) or contract.
- The Winkel Salesforce org's Spanish stages (Interes, Diseño Propuesta, Presentación Propuesta,
  Negociación, Firmas) are *not* in the defaults: they import as unmapped (reported with counts)
  and the user maps them once. Likewise Zoho's non-default "Initial Offer" / "Prospect", and
  Maven's "Engaging". Nothing is guessed from similar spelling.
- Melbourne's sale methods are not stages of any CRM and are not shipped either; the tests map
  S/SP/SA (sold, sold prior, sold after auction) to 'contract' (won) and PI/VB (passed in,
  vendor bid) to 'lost', as a user would once on the Import page.
- For the generic source every shipped map applies (the words do not contradict each other).
"""

from __future__ import annotations

import duckdb

from db.imports import word_key_sql

ZOHO_STAGES = {
    "Qualification": "lead", "Needs Analysis": "first_visit", "Value Proposition": "revisit",
    "Identify Decision Makers": "revisit", "Id. Decision Makers": "revisit",
    "Perception Analysis": "revisit", "Proposal/Price Quote": "pledge",
    "Negotiation/Review": "pledge", "Closed Won": "contract", "Closed Lost": "lost",
    "Closed-Lost to Competition": "lost", "Closed Lost to Competition": "lost",
}
SALESFORCE_STAGES = {
    "Prospecting": "lead", "Qualification": "lead", "Needs Analysis": "first_visit",
    "Value Proposition": "revisit", "Id. Decision Makers": "revisit",
    "Perception Analysis": "revisit", "Proposal/Price Quote": "pledge",
    "Negotiation/Review": "pledge", "Closed Won": "contract", "Closed Lost": "lost",
}
HUBSPOT_STAGES = {
    "appointmentscheduled": "lead", "Appointment Scheduled": "lead",
    "qualifiedtobuy": "first_visit", "Qualified To Buy": "first_visit",
    "presentationscheduled": "revisit", "Presentation Scheduled": "revisit",
    "decisionmakerboughtin": "revisit", "Decision Maker Bought-In": "revisit",
    "contractsent": "pledge", "Contract Sent": "pledge",
    "closedwon": "contract", "Closed Won": "contract", "closedlost": "lost", "Closed Lost": "lost",
}
CHINESE_STAGES = {
    **dict.fromkeys(("来电", "线索", "新线索", "来电咨询", "初步接洽"), "lead"),
    **dict.fromkeys(("初次到访", "首访", "首次到访", "到访"), "first_visit"),
    **dict.fromkeys(("复访", "二次到访", "再次到访"), "revisit"),
    **dict.fromkeys(("认筹", "排号"), "pledge"),
    **dict.fromkeys(("认购", "下定"), "subscription"),
    **dict.fromkeys(("签约", "网签"), "contract"),
    **dict.fromkeys(("回款", "已回款", "全款到账"), "payment"),
    **dict.fromkeys(("退订", "退筹"), "lost"),
}
UNIVERSAL_STAGES = {
    **dict.fromkeys(("Won", "Closed Won", "Closed-Won", "赢单", "成交", "已成交"), "contract"),
    **dict.fromkeys(("Lost", "Closed Lost", "Closed-Lost", "输单", "流失", "无效", "战败", "丢单"), "lost"),
}
_BY_SOURCE = {
    "zoho": ZOHO_STAGES, "salesforce": SALESFORCE_STAGES, "hubspot": HUBSPOT_STAGES,
    "fxiaoke": CHINESE_STAGES,
}

# Outcome words of a status column (商机状态, Forecast Type, outcome …).
STATUS_WORDS = {
    **dict.fromkeys(("进行中", "跟进中", "open", "in progress", "pipeline", "未成交"), "open"),
    **dict.fromkeys(("赢单", "已赢单", "已成交", "成交", "won", "closed won", "win"), "won"),
    **dict.fromkeys(("输单", "已输单", "无效", "流失", "作废", "退订", "lost", "closed lost", "dead"), "lost"),
}
# Activity kinds (domain.ACTIVITY_KINDS); 'visit' is resolved to first_visit / revisit by order.
KIND_WORDS = {
    **dict.fromkeys(("inbound", "来电", "incoming", "missed"), "call"),
    **dict.fromkeys(("outbound", "call", "电话", "去电", "外呼", "电话回访", "phone", "logged call"), "phone"),
    **dict.fromkeys(("微信", "wechat", "企业微信"), "wechat"),
    **dict.fromkeys(("首访", "首次到访", "初访", "first visit", "first_visit"), "first_visit"),
    **dict.fromkeys(("复访", "再次到访", "二次到访", "revisit"), "revisit"),
    **dict.fromkeys(("来访", "到访", "visit", "上门"), "visit"),
    **dict.fromkeys(("带看", "看房", "viewing"), "viewing"),
    **dict.fromkeys(("拜访", "面谈", "会议", "meeting", "event"), "meeting"),
    **dict.fromkeys(("任务", "待办", "task", "todo", "email", "邮件", "listemail"), "task"),
}
CHANNEL_WORDS = {
    **dict.fromkeys(("自然到访", "自然来访", "自然", "walk-in", "walk in"), "natural"),
    **dict.fromkeys(("渠道", "中介", "分销", "渠道分销", "agency", "broker", "partner", "channel"), "agency"),
    **dict.fromkeys(("老带新", "转介绍", "推荐", "employee referral", "external referral", "referral"),
                    "referral"),
    **dict.fromkeys(("网络", "线上", "网络推广", "抖音", "小程序", "online", "web", "website", "web research",
                     "organic_search", "paid_search", "social", "email", "display", "direct_traffic",
                     "advertisement", "onlinestore"), "online"),
    **dict.fromkeys(("来电", "电话", "cold call", "phone", "telemarketing", "400电话"), "phone"),
}
CUSTOMER_TYPE_WORDS = {
    **dict.fromkeys(("刚需", "首置", "first home", "first_home"), "first_home"),
    **dict.fromkeys(("改善", "首改", "再改", "upgrade"), "upgrade"),
    **dict.fromkeys(("投资", "investment", "investor"), "investment"),
}
ROLE_WORDS = {
    **dict.fromkeys(("案场经理", "经理", "销售经理", "manager", "site manager"), "manager"),
    **dict.fromkeys(("组长", "leader", "team leader"), "leader"),
    **dict.fromkeys(("副组长", "deputy"), "deputy"),
    **dict.fromkeys(("数据分析员", "分析员", "analyst"), "analyst"),
    **dict.fromkeys(("置业顾问", "顾问", "销售", "consultant", "sales", "agent"), "consultant"),
}
BASIS_WORDS = {
    **dict.fromkeys(("阶段", "按阶段", "stage"), "stage"),
    **dict.fromkeys(("项目", "按项目", "project"), "project"),
    **dict.fromkeys(("客户类型", "按客户类型", "customer_type", "customer type"), "customer_type"),
    **dict.fromkeys(("区域", "按区域", "region"), "region"),
}


def default_stage_map(source_system: str) -> dict[str, str]:
    """The shipped stage words for a source: its own map, the Chinese names and the universal words."""
    if source_system in _BY_SOURCE:
        own = _BY_SOURCE[source_system]
        return {**CHINESE_STAGES, **own, **UNIVERSAL_STAGES}
    merged: dict[str, str] = {}
    for words in (*_BY_SOURCE.values(), UNIVERSAL_STAGES):
        merged.update(words)
    return merged


def user_stage_map(con: duckdb.DuckDBPyConnection, source_system: str) -> dict[str, str]:
    """The user's saved mappings for a source (table stage_map)."""
    rows = con.execute(
        "SELECT source_stage, stage FROM stage_map WHERE source_system = ?", [source_system]
    ).fetchall()
    return dict(rows)


def word_table(con: duckdb.DuckDBPyConnection, name: str, words: dict[str, str] | list[tuple[str, str]]) -> str:
    """A temp table `name(key, value)` of the words, keyed by word_key_sql; later entries win."""
    pairs = list(words.items()) if isinstance(words, dict) else list(words)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name}_src (pos INTEGER, word VARCHAR, value VARCHAR)")
    if pairs:
        con.executemany(f"INSERT INTO {name}_src VALUES (?, ?, ?)",
                        [(i, w, v) for i, (w, v) in enumerate(pairs)])
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE {name} AS
        SELECT key, arg_max(value, pos) AS value
        FROM (SELECT {word_key_sql('word')} AS key, value, pos FROM {name}_src) GROUP BY key
    """)
    con.execute(f"DROP TABLE {name}_src")
    return name


def stage_map_table(con: duckdb.DuckDBPyConnection, source_system: str, name: str = "_stage_map") -> str:
    """Temp table of the effective stage map for a source: defaults, then the user's (which win)."""
    pairs = list(default_stage_map(source_system).items()) + list(user_stage_map(con, source_system).items())
    return word_table(con, name, pairs)


def lookup_sql(words: str, column: str, source: str = "_valid") -> str:
    """SQL of a (word, value) table for the distinct values of `source.column` found in `words`.

    Join it on the raw column (`… ON x.word = v.column`): the word key, a pair of regular
    expressions, is then computed once per distinct value instead of once per row.
    """
    return (f"(SELECT d.word, w.value FROM (SELECT DISTINCT {column} AS word FROM {source}) d "
            f"JOIN {words} w ON w.key = {word_key_sql('d.word')})")
