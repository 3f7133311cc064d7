"""Detection of source system and entity from headers, with the reason shown to the user."""

from __future__ import annotations

import pytest

from ingest.detect import detect, header_signature


@pytest.mark.parametrize(("headers", "source", "entity", "reason_has"), [
    (["Record Id", "Deal Owner.id", "Deal Owner", "Deal Name", "Stage", "Closing Date", "Amount"],
     "zoho", "deals", "Zoho CRM Deals: headers Deal Owner.id, Deal Owner, Deal Name, Closing Date"),
    (["Potential Name", "Potential Owner", "Created Time", "Closing Date", "Stage", "Forecast Type", "LEADID"],
     "zoho", "deals", "Potential Name"),
    (["Id", "OwnerId", "StageName", "Amount", "CloseDate", "CreatedDate", "IsWon", "IsClosed"],
     "salesforce", "deals", "Salesforce Opportunity"),
    (["Id", "OpportunityId", "CreatedDate", "StageName", "FromOpportunityStageName"],
     "salesforce", "stage_history", "OpportunityHistory"),
    (["Record ID", "Deal Name", "Deal Stage", "Amount", "Deal owner", "Close Date", "Create Date"],
     "hubspot", "deals", "HubSpot deals"),
    (["商机名称", "客户名称", "负责人", "所属部门", "商机阶段", "商机金额", "结单日期", "创建时间", "商机状态"],
     "fxiaoke", "deals", "纷享销客 商机"),
    (["跟进时间", "跟进方式", "跟进人", "关联客户", "跟进内容"], "fxiaoke", "activities", "跟进记录"),
    (["客户名称", "电话", "客户来源", "客户级别", "创建时间"], "fxiaoke", "customers", "纷享销客 客户"),
    (["Call Start Time", "Call Owner", "Call Owner Id", "Call Type", "Subject"], "zoho", "activities", "Calls"),
    (["姓名", "小组", "角色"], "generic", "roster", "Roster"),
    (["小组", "月份", "成交金额目标(万元)"], "generic", "targets", "Targets"),
    (["opportunity_id", "sales_agent", "deal_stage", "engage_date", "close_date", "close_value"],
     "generic", "deals", "Generic deals table"),
])
def test_known_exports_are_recognised_with_a_reason(headers, source, entity, reason_has):
    found = detect(headers)
    assert (found.source_system, found.entity) == (source, entity)
    assert reason_has in found.reason and found.complete


def test_a_known_export_missing_its_stage_column_is_named_not_misread():
    found = detect(["商机名称", "客户名称", "负责人", "商机金额", "结单日期", "创建时间"])
    assert found.entity == "deals" and found.missing == [("stage", "status", "is_won", "won_at")]


def test_unknown_headers_give_no_detection():
    assert detect(["Property", "Agent", "Result", "Sold On", "Price"]) is None


def test_the_caller_can_override_source_and_entity():
    found = detect(["opportunity_id", "sales_agent", "deal_stage", "close_value"], source="zoho", entity="deals")
    assert (found.source_system, found.entity) == ("zoho", "deals")
    assert "(source zoho and entity deals given)" in found.reason


def test_the_header_signature_ignores_order_case_and_spacing():
    assert header_signature(["Deal Name", "Stage"]) == header_signature(["stage ", "deal_name"])
    assert header_signature(["Deal Name", "Stage"]) != header_signature(["Deal Name", "Amount"])


def test_hubspot_headers_in_chinese_are_recognised():
    found = detect(["记录 ID", "交易名称", "交易阶段", "金额", "交易所有者", "成交日期", "创建日期", "管道"])
    assert (found.source_system, found.entity, found.mapping["stage"]) == ("hubspot", "deals", "交易阶段")
