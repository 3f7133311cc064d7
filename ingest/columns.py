"""Per-CRM column maps: which export header feeds which canonical field.

A `Profile` describes one kind of export (a source system's module): the headers that give it
away (`markers`) and, for each canonical field, the headers that may carry it, best first.
Headers match after `header_key` (case, spaces, `_`, full-width brackets do not matter), so one
alias list covers Zoho's labels (`Deal Owner`) and API names (`Deal_Owner`).

Canonical fields per entity are listed in ENTITY_FIELDS (the Import page offers them for a manual
mapping); REQUIREMENTS says which of them a file must have (each inner tuple: at least one of).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ENTITIES: tuple[str, ...] = (
    "deals", "leads", "customers", "activities", "stage_history", "roster", "targets",
)
SOURCES: tuple[str, ...] = ("fxiaoke", "zoho", "salesforce", "hubspot", "generic")

ENTITY_LABELS = {
    "deals": "商机 deals", "leads": "线索 leads", "customers": "客户 customers/contacts",
    "activities": "跟进 activities", "stage_history": "阶段变更 stage history",
    "roster": "分组名单 roster", "targets": "目标 targets",
}

ENTITY_FIELDS: dict[str, tuple[str, ...]] = {
    "deals": (
        "record_id", "name", "customer_ref", "customer_name", "lead_ref", "owner_id", "owner_name",
        "creator_id", "creator_name", "department", "project", "stage", "status", "is_won",
        "is_closed", "amount", "currency", "created_at", "close_date", "won_at", "lost_at",
        "stage_changed_at", "updated_at", "next_follow_at", "lost_reason",
    ),
    "leads": (
        "record_id", "name", "first_name", "last_name", "phone", "source_channel", "customer_type",
        "grade", "region", "intent_layout", "intent_area", "intent_budget", "created_at",
    ),
    "activities": (
        "record_id", "occurred_at", "created_at", "kind", "owner_id", "owner_name", "deal_ref",
        "customer_ref", "lead_ref", "next_follow_at", "note",
    ),
    "stage_history": ("record_id", "deal_ref", "stage", "entered_at", "staff_id"),
    "roster": ("person_id", "person_name", "group", "role", "valid_from", "valid_to", "project", "basis"),
    "targets": ("group", "person", "project", "month", "metric", "value"),
}
ENTITY_FIELDS["customers"] = ENTITY_FIELDS["leads"]

REQUIREMENTS: dict[str, tuple[tuple[str, ...], ...]] = {
    "deals": (("stage", "status", "is_won", "won_at"),),
    "leads": (("record_id", "name", "last_name", "phone"),),
    "customers": (("record_id", "name", "last_name", "phone"),),
    "activities": (("occurred_at", "created_at"),),
    "stage_history": (("deal_ref",), ("stage",), ("entered_at",)),
    "roster": (("person_id", "person_name"), ("group",)),
    "targets": (("group", "person", "project"), ("month",), ("value",)),
}

# Fields holding dates (parsed with ingest.normalize) and amounts.
DATE_FIELDS = frozenset({
    "created_at", "close_date", "won_at", "lost_at", "stage_changed_at", "updated_at",
    "next_follow_at", "occurred_at", "entered_at", "valid_from", "valid_to",
})
AMOUNT_FIELDS = frozenset({"amount", "value", "intent_budget"})
# Fields holding record ids: CRM prefixes and null ids are cleaned from them.
ID_FIELDS = frozenset({
    "record_id", "customer_ref", "lead_ref", "owner_id", "creator_id", "deal_ref", "staff_id",
    "person_id",
})


def header_key(header: str) -> str:
    """The form headers are compared in: lower case, `_` as space, one space, ASCII brackets."""
    text = str(header).replace("\ufeff", "").strip().strip('"').lower()
    text = text.translate(str.maketrans({"（": "(", "）": ")", "：": ":", "_": " ", "\u3000": " "}))
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Profile:
    """One kind of export: how to recognise it and where each canonical field comes from."""

    key: str
    source: str
    entity: str
    label: str
    markers: tuple[str, ...]
    fields: dict[str, tuple[str, ...]]
    default_kind: str | None = None
    us_dates: bool = False
    marker_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "marker_keys", frozenset(header_key(m) for m in self.markers))


def _p(key: str, label: str, markers: str, fields: dict[str, str], entity: str | None = None,
       **extra) -> Profile:
    """Shorthand: markers and aliases as `|`-separated strings; entity defaults to the key's tail."""
    source, tail = key.split(".")
    return Profile(
        key=key, source=source, entity=entity or tail, label=label,
        markers=tuple(m for m in markers.split("|") if m),
        fields={f: tuple(a for a in aliases.split("|") if a) for f, aliases in fields.items()},
        **extra,
    )


_FX_PEOPLE = {"owner_id": "负责人ID|负责人工号|owner", "owner_name": "负责人|负责人名称|所有人|owner name"}

FXIAOKE = (
    _p("fxiaoke.deals", "纷享销客 商机",
       "商机名称|商机阶段|销售阶段|商机金额|预计成交金额|结单日期|预计成交日期|商机状态|赢率|所属部门|"
       "负责人所在部门|销售流程|sales stage|sales process id|data own department",
       {"record_id": "商机编号|商机ID|商机id|_id|id", "name": "商机名称|名称|name",
        "customer_ref": "客户ID|客户编号|account id|客户名称|客户", "customer_name": "客户名称|客户",
        **_FX_PEOPLE, "creator_name": "创建人", "creator_id": "created by",
        "department": "所属部门|负责人所在部门|负责人主属部门|部门|data own department",
        "project": "所属项目|项目|楼盘", "stage": "商机阶段|销售阶段|阶段|sales stage",
        "status": "商机状态|状态|结果", "amount": "商机金额|预计成交金额|成交金额|销售金额|金额|amount",
        "currency": "币种|货币", "created_at": "创建时间|创建日期|create time",
        "close_date": "结单日期|预计成交日期|预计结单日期|close date", "won_at": "赢单时间|赢单日期|成交日期|成交时间",
        "lost_at": "输单时间|输单日期", "stage_changed_at": "阶段变更时间|最后阶段变更时间|stage changed time",
        "updated_at": "最后修改时间|修改时间|last modified time", "next_follow_at": "下次跟进时间",
        "lost_reason": "输单原因|流失原因|输单原因描述"}),
    _p("fxiaoke.leads", "纷享销客 销售线索",
       "线索状态|线索来源|线索池|销售线索|处理状态|线索编号|线索名称|线索ID",
       {"record_id": "线索编号|线索ID|_id", "name": "姓名|线索名称|联系人", "phone": "手机|手机号|电话|联系电话|mobile",
        "source_channel": "线索来源|来源|渠道|来访渠道", "customer_type": "客户类型|置业目的",
        "grade": "线索级别|意向等级|客户级别", "region": "区域|地区|所在区域|居住区域",
        "intent_layout": "意向户型", "intent_area": "意向面积", "intent_budget": "意向预算|预算",
        "created_at": "创建时间|创建日期|create time"}),
    _p("fxiaoke.customers", "纷享销客 客户",
       "客户名称|客户级别|客户来源|成交状态|客户编号|客户类型|客户等级",
       {"record_id": "客户编号|客户ID|_id|客户名称", "name": "客户名称|姓名",
        "phone": "手机|电话|联系电话|手机号", "source_channel": "客户来源|来源渠道|来访渠道|渠道",
        "customer_type": "客户类型|置业目的", "grade": "客户级别|客户等级|意向等级",
        "region": "区域|地区|所在区域|居住区域", "intent_layout": "意向户型", "intent_area": "意向面积",
        "intent_budget": "意向预算|预算", "created_at": "创建时间|创建日期|create time"}),
    _p("fxiaoke.activities", "纷享销客 跟进记录/销售记录",
       "跟进时间|跟进方式|跟进内容|跟进记录|销售记录|销售记录内容|下次跟进时间|关联商机|关联客户|跟进类型|跟进人",
       {"record_id": "记录编号|跟进记录ID|_id", "occurred_at": "跟进时间|记录时间|发生时间|拜访时间|到访时间",
        "created_at": "创建时间", "kind": "跟进方式|跟进类型|记录类型|类型",
        "owner_id": "跟进人ID|负责人ID", "owner_name": "跟进人|负责人|创建人|销售|置业顾问",
        "deal_ref": "关联商机ID|关联商机|商机名称|商机", "customer_ref": "关联客户ID|关联客户|客户名称|客户",
        "next_follow_at": "下次跟进时间", "note": "跟进内容|销售记录内容|内容|备注"},
       default_kind="task"),
)

_ZOHO_ACTIVITY_LINKS = {"deal_ref": "POTENTIALID|Deal Name.id|Related To.id|What Id",
                        "customer_ref": "CONTACTID|Contact Name.id|Who Id.id", "lead_ref": "LEADID"}

ZOHO = (
    _p("zoho.deals", "Zoho CRM Deals",
       "Deal Owner|Deal Owner.id|Deal Name|Closing Date|Potential Name|Potential Owner|POTENTIALID|"
       "Potential Id|Forecast Type|Account Name.id|Expected Revenue|Deal Owner Id|Potential Owner Id",
       {"record_id": "Record Id|Deal Id|POTENTIALID|Potential Id|Id|LEADID",
        "name": "Deal Name|Potential Name", "customer_ref": "Account Name.id|Account Id|ACCOUNTID",
        "customer_name": "Account Name|Contact Name", "lead_ref": "LEADID",
        "owner_id": "Deal Owner.id|Deal Owner Id|Potential Owner Id|Owner.id|Owner Id",
        "owner_name": "Deal Owner|Potential Owner|Owner", "creator_id": "Created By.id",
        "creator_name": "Created By", "department": "Territory|Territories", "stage": "Stage",
        "status": "Forecast Type", "amount": "Amount", "currency": "Currency",
        "created_at": "Created Time", "close_date": "Closing Date", "updated_at": "Modified Time",
        "stage_changed_at": "Stage Modified Time|Last Stage Change Time",
        "lost_reason": "Reason For Loss|Reason For Loss  s|Lost Reason"},
       us_dates=True),
    _p("zoho.leads", "Zoho CRM Leads",
       "Lead Owner|Lead Owner.id|Lead Owner Id|Lead Status|LEADID|CONVERTED|Lead Source",
       {"record_id": "Record Id|LEADID|Lead Id|Id", "name": "Full Name|Lead Name",
        "first_name": "First Name", "last_name": "Last Name", "phone": "Mobile|Phone",
        "source_channel": "Lead Source", "grade": "Rating", "region": "State|City|Country",
        "created_at": "Created Time"},
       us_dates=True),
    _p("zoho.customers", "Zoho CRM Contacts",
       "Contact Owner|Contact Owner.id|Contact Owner Id|CONTACTID|Contact Id",
       {"record_id": "Record Id|CONTACTID|Contact Id|Id", "name": "Full Name|Contact Name",
        "first_name": "First Name", "last_name": "Last Name", "phone": "Mobile|Phone",
        "source_channel": "Lead Source", "region": "Mailing State|Mailing City|Mailing Country",
        "created_at": "Created Time"},
       us_dates=True),
    _p("zoho.calls", "Zoho CRM Calls",
       "Call Start Time|Call Owner|Call Owner Id|Call Owner.id|Call Type|Call Purpose|Call Duration|"
       "Call Duration (in seconds)",
       {"record_id": "Record Id|TASKID|Call Id|ACTIVITYID", "occurred_at": "Call Start Time",
        "created_at": "Created Time", "kind": "Call Type",
        "owner_id": "Call Owner.id|Call Owner Id", "owner_name": "Call Owner",
        **_ZOHO_ACTIVITY_LINKS, "note": "Subject"},
       default_kind="call", us_dates=True, entity="activities"),
    _p("zoho.meetings", "Zoho CRM Meetings/Events",
       "Event Owner|Event Owner Id|Event Owner.id|Start DateTime|End DateTime|EVENTID|Host|Meeting Title",
       {"record_id": "Record Id|EVENTID|Event Id", "occurred_at": "Start DateTime|From",
        "created_at": "Created Time", "owner_id": "Event Owner.id|Event Owner Id|Host.id",
        "owner_name": "Event Owner|Host", **_ZOHO_ACTIVITY_LINKS, "note": "Subject|Title|Meeting Title"},
       default_kind="meeting", us_dates=True, entity="activities"),
    _p("zoho.tasks", "Zoho CRM Tasks",
       "Task Owner|Task Owner.id|Task Owner Id|Due Date",
       {"record_id": "Record Id|Task Id", "occurred_at": "Closed Time", "created_at": "Created Time",
        "owner_id": "Task Owner.id|Task Owner Id", "owner_name": "Task Owner",
        **_ZOHO_ACTIVITY_LINKS, "next_follow_at": "Due Date", "note": "Subject"},
       default_kind="task", us_dates=True, entity="activities"),
)

SALESFORCE = (
    _p("salesforce.deals", "Salesforce Opportunity",
       "StageName|OwnerId|IsWon|IsClosed|CloseDate|ForecastCategory|StageSortOrder|Opportunity Name|"
       "Opportunity Owner|Opportunity ID|LastStageChangeDate",
       {"record_id": "Id|Opportunity ID", "name": "Name|Opportunity Name",
        "customer_ref": "AccountId|Account ID", "customer_name": "Account Name",
        "owner_id": "OwnerId|Owner ID", "owner_name": "Opportunity Owner|Owner Name|Owner.Name",
        "creator_id": "CreatedById", "creator_name": "Created By",
        "department": "Owner Role|Territory|Role", "stage": "StageName|Stage",
        "is_won": "IsWon|Won", "is_closed": "IsClosed|Closed", "amount": "Amount",
        "currency": "CurrencyIsoCode|Opportunity Currency|Amount Currency",
        "created_at": "CreatedDate|Created Date", "close_date": "CloseDate|Close Date",
        "stage_changed_at": "LastStageChangeDate|Last Stage Change Date",
        "updated_at": "LastModifiedDate|Last Modified Date",
        "lost_reason": "LossReason__c|Loss_Reason__c|Loss Reason|Reason Lost"},
       us_dates=True),
    _p("salesforce.stage_history", "Salesforce OpportunityHistory",
       "OpportunityId|FromOpportunityStageName|PrevOpportunityStageUpdate|CreatedDateForInsert|"
       "From Stage|To Stage",
       {"record_id": "Id|History ID", "deal_ref": "OpportunityId|Opportunity ID",
        "stage": "StageName|To Stage", "entered_at": "CreatedDate|Edit Date|Created Date",
        "staff_id": "CreatedById"},
       us_dates=True),
    _p("salesforce.leads", "Salesforce Lead",
       "IsConverted|ConvertedOpportunityId|ConvertedAccountId|Lead Status|Lead Owner",
       {"record_id": "Id|Lead ID", "name": "Name|Full Name", "first_name": "FirstName|First Name",
        "last_name": "LastName|Last Name", "phone": "MobilePhone|Phone|Mobile",
        "source_channel": "LeadSource|Lead Source", "grade": "Rating", "region": "State|City",
        "created_at": "CreatedDate|Created Date"},
       us_dates=True),
    _p("salesforce.customers", "Salesforce Contact",
       "ReportsToId|MailingCity|MailingState|Contact Owner|Contact ID",
       {"record_id": "Id|Contact ID", "name": "Name|Full Name", "first_name": "FirstName|First Name",
        "last_name": "LastName|Last Name", "phone": "MobilePhone|Phone|Mobile",
        "source_channel": "LeadSource|Lead Source", "region": "MailingState|MailingCity",
        "created_at": "CreatedDate|Created Date"},
       us_dates=True),
    _p("salesforce.events", "Salesforce Event",
       "ActivityDateTime|DurationInMinutes|IsAllDayEvent|EndDateTime",
       {"record_id": "Id", "occurred_at": "ActivityDateTime|StartDateTime|ActivityDate",
        "created_at": "CreatedDate", "kind": "Type", "owner_id": "OwnerId",
        "deal_ref": "WhatId", "customer_ref": "WhoId", "note": "Subject"},
       default_kind="meeting", us_dates=True, entity="activities"),
    _p("salesforce.tasks", "Salesforce Task",
       "CallType|CallDurationInSeconds|CompletedDateTime|TaskSubtype|Priority|ActivityDate",
       {"record_id": "Id", "occurred_at": "CompletedDateTime|ActivityDate", "created_at": "CreatedDate",
        "kind": "TaskSubtype|CallType|Type", "owner_id": "OwnerId", "deal_ref": "WhatId",
        "customer_ref": "WhoId", "note": "Subject"},
       default_kind="task", us_dates=True, entity="activities"),
)

HUBSPOT = (
    # Labels in English and as HubSpot's Chinese interface writes them (记录 ID, 交易阶段 …).
    _p("hubspot.deals", "HubSpot deals",
       "Deal Stage|Deal owner|Deal Name|Create Date|Close Date|Pipeline|Record ID|hs_object_id|dealstage|"
       "dealname|hubspot_owner_id|createdate|closedate|交易名称|交易阶段|交易所有者|记录 ID|管道",
       {"record_id": "Record ID|Deal ID|hs_object_id|记录 ID|记录ID", "name": "Deal Name|dealname|交易名称",
        "customer_name": "Associated Company|Company name|Associated Company (Primary)|关联公司",
        "owner_id": "hubspot_owner_id|Deal owner ID", "owner_name": "Deal owner|交易所有者",
        "department": "HubSpot Team|Business Unit|HubSpot 团队", "stage": "Deal Stage|dealstage|交易阶段",
        "amount": "Amount|amount|金额", "currency": "Currency|deal_currency_code|货币",
        "created_at": "Create Date|createdate|创建日期", "close_date": "Close Date|closedate|成交日期|关闭日期",
        "updated_at": "Last Modified Date|hs_lastmodifieddate|上次修改日期",
        "lost_reason": "Closed Lost Reason|closed_lost_reason|成交失败原因"},
       us_dates=True),
    _p("hubspot.customers", "HubSpot contacts",
       "Contact owner|Lifecycle Stage|Lead Status|Phone Number|Original Source",
       {"record_id": "Record ID|Contact ID|hs_object_id", "first_name": "First Name",
        "last_name": "Last Name", "phone": "Phone Number|Mobile Phone Number",
        "source_channel": "Original Source|Original Traffic Source", "region": "State/Region|City",
        "created_at": "Create Date|createdate"},
       us_dates=True),
)

GENERIC = (
    _p("generic.deals", "Generic deals table",
       "opportunity_id|deal_id|deal_stage|sales_agent|close_value|engage_date|deal_value|deal_name|"
       "opportunity_name|close_date|won_date|deal_status",
       {"record_id": "opportunity_id|deal_id|opportunity id|record id|id|mql_id",
        "name": "deal_name|opportunity_name|deal|title|name", "customer_ref": "account_id|customer_id",
        "customer_name": "account|customer|company|client|account_name|customer_name",
        "lead_ref": "lead_id|mql_id", "owner_id": "owner_id|sales_rep_id|agent_id|sr_id",
        "owner_name": "sales_agent|owner|salesperson|sales_rep|rep|agent|consultant|deal_owner",
        "creator_id": "creator_id|sdr_id", "department": "team|group|department|region|territory|office",
        "project": "project", "stage": "deal_stage|stage|pipeline_stage",
        "status": "outcome|deal_status|status|result", "amount": "close_value|amount|deal_value|value|revenue",
        "currency": "currency", "created_at": "created_at|created|create_date|created_date|engage_date|"
        "open_date|start_date|date_created",
        "close_date": "close_date|closed_at|closing_date|expected_close_date",
        "won_at": "won_date|won_at|date_won", "lost_at": "lost_date|lost_at|date_lost",
        "updated_at": "updated_at|modified|last_modified", "lost_reason": "lost_reason|loss_reason"}),
    _p("generic.leads", "Generic leads table",
       "lead_id|mql_id|first_contact_date|lead_source|landing_page_id|lead_status",
       {"record_id": "lead_id|mql_id|id", "name": "name|full_name|lead_name", "first_name": "first_name",
        "last_name": "last_name", "phone": "phone|mobile", "source_channel": "lead_source|origin|source|channel",
        "customer_type": "customer_type", "grade": "grade|rating", "region": "region|city",
        "created_at": "created_at|first_contact_date|created|create_date|date"}),
    _p("generic.customers", "Generic customers table",
       "customer_id|customer_name|customer_type|contact_id",
       {"record_id": "customer_id|contact_id|id", "name": "customer_name|contact_name|name",
        "first_name": "first_name", "last_name": "last_name", "phone": "phone|mobile",
        "source_channel": "source|channel|lead_source", "customer_type": "customer_type",
        "grade": "grade|rating", "region": "region|city", "created_at": "created_at|created|create_date"}),
    _p("generic.activities", "Generic activities table",
       "activity_id|activity_type|activity_date|occurred_at|visit_date|call_date",
       {"record_id": "activity_id|id", "occurred_at": "occurred_at|activity_date|visit_date|call_date|date",
        "created_at": "created_at", "kind": "activity_type|kind|type", "owner_id": "owner_id|staff_id",
        "owner_name": "owner|staff|sales_agent|consultant", "deal_ref": "deal_id|opportunity_id",
        "customer_ref": "customer_id|contact_id", "lead_ref": "lead_id",
        "next_follow_at": "next_follow_at|next_follow_up", "note": "note|notes|subject|comment"},
       default_kind="task"),
    _p("generic.roster", "Roster (person → group)",
       "小组|组别|所属小组|分组|组名|角色|职务|岗位|入组日期|sales_agent|manager|team|group|role|"
       "regional_office|team_name|group_name",
       {"person_id": "员工编号|工号|员工ID|staff_id|employee_id|person_id|user_id",
        "person_name": "姓名|员工|员工姓名|置业顾问|顾问|销售|name|staff|employee|sales_agent|agent|"
        "consultant|person",
        "group": "小组|组别|所属小组|分组|组名|组|group|team|group_name|team_name|manager",
        "role": "角色|职务|岗位|职位|role|title|position",
        "valid_from": "入组日期|生效日期|开始日期|调入日期|valid_from|start_date|from",
        "valid_to": "离组日期|结束日期|调出日期|valid_to|end_date|to",
        "project": "项目|所属项目|project", "basis": "分组依据|分组方式|basis"}),
    _p("generic.targets", "Targets (group/person × month × metric)",
       "目标|目标值|月份|指标|target|month|metric|quota|年月",
       {"group": "小组|组别|组名|所属小组|group|team", "person": "员工|姓名|置业顾问|person|staff|sales_agent",
        "project": "项目|project", "month": "月份|年月|月|month|period",
        "metric": "指标|指标名称|目标类型|metric|kpi", "value": "目标值|目标|目标数|target|value|quota"}),
)

PROFILES: tuple[Profile, ...] = FXIAOKE + ZOHO + SALESFORCE + HUBSPOT + GENERIC

# HubSpot: one column per stage, `Date entered "Appointment Scheduled (Sales Pipeline)"`.
STAGE_DATE_HEADER = re.compile(r'^date entered\s*["“”\'](.+?)["“”\']\s*$', re.IGNORECASE)
_PIPELINE_SUFFIX = re.compile(r"\s*\([^()]*\)\s*$")


def stage_date_columns(headers: list[str]) -> dict[str, str]:
    """HubSpot `Date entered "<stage> (<pipeline>)"` headers → the stage label they name."""
    found = {}
    for header in headers:
        match = STAGE_DATE_HEADER.match(str(header).strip())
        if match:
            found[header] = _PIPELINE_SUFFIX.sub("", match.group(1)).strip() or match.group(1)
    return found


# Target metric words (targets files): header or metric-column text → metric id of DOMAIN.md.
METRIC_WORDS: dict[str, str] = {
    **{w: "won_amount" for w in ("won_amount", "成交金额", "销售额", "签约金额", "认购金额", "业绩", "业绩金额",
                                 "won amount", "revenue", "sales amount", "amount")},
    **{w: "won_deals" for w in ("won_deals", "成交数", "成交套数", "成交量", "认购套数", "签约套数", "成交单数",
                                "won deals", "deals won", "units")},
    **{w: "deals" for w in ("deals", "商机数", "新增商机", "new deals", "opportunities")},
    **{w: "visits" for w in ("visits", "来访", "来访量", "来访组数", "到访量", "到访", "到访组数")},
    **{w: "first_visits" for w in ("first_visits", "first visits", "首访", "首访数", "首访量")},
    **{w: "win_rate" for w in ("win_rate", "win rate", "赢率")},
    **{w: "csat" for w in ("csat", "满意度")},
    **{w: "nps" for w in ("nps", "净推荐值")},
}
_UNIT_FACTORS = (("万元", 1e4), ("万", 1e4), ("亿", 1e8), ("千", 1e3), ("k", 1e3))


def metric_of_header(header: str) -> tuple[str, float] | None:
    """A wide targets column (`成交金额目标(万元)`) → (metric id, unit factor), else None."""
    key = header_key(header)
    factor = 1.0
    unit = re.search(r"\(([^()]*)\)\s*$", key)
    if unit:
        factor = next((f for word, f in _UNIT_FACTORS if word == unit.group(1).strip()), 1.0)
        key = key[: unit.start()].strip()
    for suffix in ("目标值", "目标", "指标", " target", "target"):
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)].strip()
            break
    metric = METRIC_WORDS.get(key)
    return (metric, factor) if metric else None
