-- The one schema: the truth for storage. Applying it is idempotent (IF NOT EXISTS everywhere);
-- SCHEMA_VERSION in db/schema.py names the version this file describes.
-- Conventions: ids are text (CRM ids are text: zcrm_…, 006…, Fxiaoke hex); timestamps are local
-- wall-clock TIMESTAMP (the 案场's time zone); amounts are DOUBLE in the currency of `currency`
-- (元 for CNY); stage columns hold canonical keys (lead … payment, see ingest/stages.py).
-- USING COMPRESSION zstd: text that is (nearly) unique per row — ids, names, phones, notes. DuckDB's
-- default for text builds a dictionary and an FSST symbol table per segment, which for unique
-- values costs ~0.1 s per million rows and column to write and saves nothing; zstd writes them in
-- under half the time and smaller (bench/README.md: the 1M-row import 5.4 → 5.1 s). Pages read
-- them as fast either way (measured on the 1M-deal benchmark database). Databases created before
-- keep their columns' compression (harmless).

CREATE TABLE IF NOT EXISTS schema_version (
    version     INTEGER PRIMARY KEY,
    applied_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Key/value settings: as_of date of the data, currency, won_stage, min_n, selling-day rules.
CREATE TABLE IF NOT EXISTS settings (
    key    VARCHAR PRIMARY KEY,
    value  VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS projects (
    project_id  VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    phase       VARCHAR,
    developer   VARCHAR
);

-- basis: how the 案场 split its consultants; phase is set for stage-based groups only and names
-- the funnel phase the group owns (initial_contact / follow_up / closing).
CREATE TABLE IF NOT EXISTS groups (
    group_id    VARCHAR PRIMARY KEY,
    name        VARCHAR NOT NULL,
    basis       VARCHAR NOT NULL CHECK (basis IN ('stage', 'project', 'customer_type', 'region', 'other')),
    project_id  VARCHAR,
    phase       VARCHAR CHECK (phase IS NULL OR phase IN ('initial_contact', 'follow_up', 'closing')),
    sort_order  INTEGER NOT NULL DEFAULT 0
);

-- role: manager 案场经理 / leader 组长 / deputy 副组长 / analyst 数据分析员 / consultant 置业顾问
CREATE TABLE IF NOT EXISTS staff (
    staff_id        VARCHAR PRIMARY KEY,
    name            VARCHAR NOT NULL,
    role            VARCHAR NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    hired_on        DATE,
    left_on         DATE,
    source_system   VARCHAR
);

-- Membership history. valid_to is exclusive; NULL means current. One row per stint.
CREATE TABLE IF NOT EXISTS memberships (
    staff_id       VARCHAR NOT NULL,
    group_id       VARCHAR NOT NULL,
    role_in_group  VARCHAR NOT NULL,
    valid_from     DATE NOT NULL,
    valid_to       DATE,
    PRIMARY KEY (staff_id, valid_from)
);

-- source_channel: natural 自然到访 / agency 渠道 / referral 老带新 / online 网络 / phone 来电
-- customer_type: first_home 刚需 / upgrade 改善 / investment 投资 (or the export's own words)
CREATE TABLE IF NOT EXISTS customers (
    customer_id       VARCHAR PRIMARY KEY USING COMPRESSION zstd,
    source_system     VARCHAR NOT NULL,
    source_record_id  VARCHAR NOT NULL USING COMPRESSION zstd,
    name              VARCHAR USING COMPRESSION zstd,
    phone             VARCHAR USING COMPRESSION zstd,
    source_channel    VARCHAR,
    customer_type     VARCHAR,
    grade             VARCHAR,
    intent_layout     VARCHAR,
    intent_area_sqm   DOUBLE,
    intent_budget     DOUBLE,
    region            VARCHAR,
    created_at        TIMESTAMP,
    batch_id          INTEGER,
    UNIQUE (source_system, source_record_id)
);

-- A deal (商机). outcome: open / won / lost. stage is the canonical key of the furthest stage
-- reached (a lost deal keeps it); source_stage is the export's own words, NULL stage when the
-- stage map does not know them. group_id: the group its owner was in at created_at;
-- closing_group_id: the group of the owner at won_at / lost_at (they differ for stage-split groups,
-- where the deal is handed on). Both are derived from memberships (db/attribution.py) or, without
-- a roster, from the export's department column.
-- No PRIMARY KEY / UNIQUE here: their two ART indexes cost 3-4 s of a 1M-row import (insert and
-- commit: 5.5 s with both, 1.6 s without; bench/README.md). deal_id (= source_system:source_record_id)
-- stays unique because every writer checks it with a join (db.imports.upsert_rows: one row per key
-- in, existing keys updated). Joins on deal_id are hash joins either way; one deal by id is a scan
-- of one column (~20 ms at 1M deals instead of < 1 ms: the case review makes a few).
-- Databases created before keep their indexes (DuckDB cannot drop them), which is harmless.
CREATE TABLE IF NOT EXISTS deals (
    deal_id           VARCHAR NOT NULL USING COMPRESSION zstd,
    source_system     VARCHAR NOT NULL,
    source_record_id  VARCHAR NOT NULL USING COMPRESSION zstd,
    name              VARCHAR USING COMPRESSION zstd,
    customer_id       VARCHAR USING COMPRESSION zstd,
    owner_staff_id    VARCHAR,
    creator_staff_id  VARCHAR,
    department        VARCHAR,
    group_id          VARCHAR,
    closing_group_id  VARCHAR,
    project_id        VARCHAR,
    stage             VARCHAR,
    source_stage      VARCHAR,
    outcome           VARCHAR NOT NULL CHECK (outcome IN ('open', 'won', 'lost')),
    amount            DOUBLE,
    currency          VARCHAR,
    created_at        TIMESTAMP NOT NULL,
    stage_entered_at  TIMESTAMP,
    won_at            TIMESTAMP,
    lost_at           TIMESTAMP,
    lost_reason       VARCHAR,
    next_follow_at    TIMESTAMP,
    updated_at        TIMESTAMP,
    batch_id          INTEGER
);

-- Stage history: one row per stage a deal entered (backward moves included).
CREATE TABLE IF NOT EXISTS stage_events (
    deal_id       VARCHAR NOT NULL,
    entered_at    TIMESTAMP NOT NULL,
    from_stage    VARCHAR,
    to_stage      VARCHAR NOT NULL,
    source_stage  VARCHAR,
    staff_id      VARCHAR,
    batch_id      INTEGER,
    PRIMARY KEY (deal_id, entered_at, to_stage)
);

-- Ownership history of a deal (hand-offs between stage-split groups, re-assignments).
CREATE TABLE IF NOT EXISTS ownership_events (
    deal_id         VARCHAR NOT NULL,
    changed_at      TIMESTAMP NOT NULL,
    from_staff_id   VARCHAR,
    to_staff_id     VARCHAR NOT NULL,
    batch_id        INTEGER,
    PRIMARY KEY (deal_id, changed_at)
);

-- kind: call 来电 / first_visit 首访 / revisit 复访 / phone 电话 / wechat 微信 / viewing 带看 / meeting / task
-- group_id: the group the staff member was in at occurred_at.
CREATE TABLE IF NOT EXISTS activities (
    activity_id       VARCHAR PRIMARY KEY USING COMPRESSION zstd,
    source_system     VARCHAR NOT NULL,
    source_record_id  VARCHAR NOT NULL USING COMPRESSION zstd,
    deal_id           VARCHAR,
    customer_id       VARCHAR,
    staff_id          VARCHAR,
    group_id          VARCHAR,
    kind              VARCHAR NOT NULL,
    occurred_at       TIMESTAMP NOT NULL,
    next_follow_at    TIMESTAMP,
    note              VARCHAR USING COMPRESSION zstd,
    batch_id          INTEGER,
    UNIQUE (source_system, source_record_id)
);

CREATE TABLE IF NOT EXISTS surveys (
    survey_id         VARCHAR PRIMARY KEY USING COMPRESSION zstd,
    source_system     VARCHAR NOT NULL,
    source_record_id  VARCHAR NOT NULL USING COMPRESSION zstd,
    customer_id       VARCHAR,
    deal_id           VARCHAR,
    staff_id          VARCHAR,
    group_id          VARCHAR,
    answered_at       TIMESTAMP NOT NULL,
    csat              SMALLINT CHECK (csat IS NULL OR csat BETWEEN 1 AND 5),
    nps               SMALLINT CHECK (nps IS NULL OR nps BETWEEN 0 AND 10),
    comment           VARCHAR USING COMPRESSION zstd,
    batch_id          INTEGER,
    UNIQUE (source_system, source_record_id)
);

-- scope: group / staff / project; month: first day of the month; metric: a metric id.
CREATE TABLE IF NOT EXISTS targets (
    scope     VARCHAR NOT NULL CHECK (scope IN ('group', 'staff', 'project')),
    scope_id  VARCHAR NOT NULL,
    month     DATE NOT NULL,
    metric    VARCHAR NOT NULL,
    value     DOUBLE NOT NULL,
    PRIMARY KEY (scope, scope_id, month, metric)
);

CREATE SEQUENCE IF NOT EXISTS import_batch_ids START 1;

-- status: done / undone. counts describe what the batch did to the records it touched.
CREATE TABLE IF NOT EXISTS import_batches (
    batch_id        INTEGER PRIMARY KEY DEFAULT nextval('import_batch_ids'),
    file_name       VARCHAR NOT NULL,
    sha256          VARCHAR NOT NULL,
    source_system   VARCHAR NOT NULL,
    entity          VARCHAR NOT NULL,
    rows_read       INTEGER NOT NULL DEFAULT 0,
    rows_inserted   INTEGER NOT NULL DEFAULT 0,
    rows_updated    INTEGER NOT NULL DEFAULT 0,
    rows_unchanged  INTEGER NOT NULL DEFAULT 0,
    rows_rejected   INTEGER NOT NULL DEFAULT 0,
    status          VARCHAR NOT NULL DEFAULT 'done',
    imported_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    imported_by     VARCHAR
);

-- Rows a batch could not read: line number in the file, the reason, the raw text.
CREATE TABLE IF NOT EXISTS import_rejects (
    batch_id  INTEGER NOT NULL,
    line_no   INTEGER NOT NULL,
    reason    VARCHAR NOT NULL,
    raw       VARCHAR,
    PRIMARY KEY (batch_id, line_no)
);

-- Before-images of the records a batch changed, so that a batch can be undone.
-- before_json is NULL when the batch inserted the record.
CREATE TABLE IF NOT EXISTS import_changes (
    batch_id     INTEGER NOT NULL,
    table_name   VARCHAR NOT NULL,
    record_id    VARCHAR NOT NULL,
    before_json  VARCHAR,
    PRIMARY KEY (batch_id, table_name, record_id)
);

-- The user's stage mappings, added to the shipped defaults: source stage words → canonical key or 'lost'.
CREATE TABLE IF NOT EXISTS stage_map (
    source_system  VARCHAR NOT NULL,
    source_stage   VARCHAR NOT NULL,
    stage          VARCHAR NOT NULL,
    PRIMARY KEY (source_system, source_stage)
);

-- Column-mapping profiles for "anything else" files, found again by their header signature.
CREATE TABLE IF NOT EXISTS mapping_profiles (
    name              VARCHAR PRIMARY KEY,
    header_signature  VARCHAR NOT NULL,
    entity            VARCHAR NOT NULL,
    mapping_json      VARCHAR NOT NULL,
    created_at        TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Stage-history rows whose source stage the stage map did not know at import (added by the import
-- layer): kept so that mapping the stage later (db/imports.map_stage) turns them into stage_events.
CREATE TABLE IF NOT EXISTS pending_stage_events (
    deal_id        VARCHAR NOT NULL,
    entered_at     TIMESTAMP NOT NULL,
    source_system  VARCHAR NOT NULL,
    source_stage   VARCHAR NOT NULL,
    staff_id       VARCHAR,
    batch_id       INTEGER,
    PRIMARY KEY (deal_id, entered_at, source_stage)
);

-- ---------------------------------------------------------------- group management (小组管理, issue 7)
-- Award rules (激励). kind: champion 月度销冠 (one consultant) / team 团队协作奖 (one group).
-- metric: what the award ranks on, higher wins (a metric id, or attainment / handoff_rate for teams);
-- min_n: the smallest sample a candidate needs, counted in the metric's own n (won deals for won
-- amount, closed deals for win rate, answers for CSAT, hand-offs for hand-off rate); below it nobody
-- is awarded. tie_break: a second metric that decides equal values, 'n' (the larger sample wins) or
-- 'shared' (equal candidates share the award). Without rows the defaults of db/incentives.py apply.
CREATE TABLE IF NOT EXISTS award_rules (
    rule_id     VARCHAR PRIMARY KEY,
    kind        VARCHAR NOT NULL CHECK (kind IN ('champion', 'team')),
    name        VARCHAR NOT NULL,
    metric      VARCHAR NOT NULL,
    min_n       INTEGER NOT NULL CHECK (min_n >= 1),
    tie_break   VARCHAR NOT NULL,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Awards as announced: a rule's winner(s) for a month, frozen with the rule's words at the time
-- (winner_id: staff_id for champion, group_id for team). Months not announced are computed live.
CREATE TABLE IF NOT EXISTS award_history (
    rule_id     VARCHAR NOT NULL,
    month       DATE NOT NULL,
    winner_id   VARCHAR NOT NULL,
    value       DOUBLE,
    n           INTEGER,
    rule_text   VARCHAR NOT NULL,
    awarded_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (rule_id, month, winner_id)
);

CREATE SEQUENCE IF NOT EXISTS training_ids START 1;

-- Training (培训): who was trained, on what, when.
CREATE TABLE IF NOT EXISTS training_records (
    training_id  INTEGER PRIMARY KEY DEFAULT nextval('training_ids'),
    staff_id     VARCHAR NOT NULL,
    topic        VARCHAR NOT NULL,
    trained_on   DATE NOT NULL,
    hours        DOUBLE,
    trainer      VARCHAR,
    note         VARCHAR,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE IF NOT EXISTS suggestion_ids START 1;

-- Suggestion box (意见箱). staff_id NULL = anonymous. status: new / discussed / done.
CREATE TABLE IF NOT EXISTS suggestions (
    suggestion_id  INTEGER PRIMARY KEY DEFAULT nextval('suggestion_ids'),
    staff_id       VARCHAR,
    group_id       VARCHAR,
    body           VARCHAR NOT NULL,
    status         VARCHAR NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'discussed', 'done')),
    response       VARCHAR,
    created_at     TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at     TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Weekly work summary of a group (本周总结 / 下周计划); week_start is the Monday.
CREATE TABLE IF NOT EXISTS weekly_summaries (
    group_id    VARCHAR NOT NULL,
    week_start  DATE NOT NULL,
    summary     VARCHAR,
    next_plan   VARCHAR,
    author      VARCHAR,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (group_id, week_start)
);

-- Monthly review card of a consultant (月度评估): the KPIs as the manager saw them when saving
-- (kpi_json, frozen: later imports do not rewrite a review), a rating and the manager's comment.
-- rating: excellent / good / adequate / improve.
CREATE TABLE IF NOT EXISTS review_cards (
    staff_id         VARCHAR NOT NULL,
    month            DATE NOT NULL,
    kpi_json         VARCHAR NOT NULL,
    rating           VARCHAR,
    manager_comment  VARCHAR,
    next_focus       VARCHAR,
    reviewer         VARCHAR,
    updated_at       TIMESTAMP NOT NULL DEFAULT current_timestamp,
    PRIMARY KEY (staff_id, month)
);

CREATE SEQUENCE IF NOT EXISTS regroup_draft_ids START 1;

-- What-if regrouping (分组方案模拟): a draft grouping; applied_on is the effective date once applied.
CREATE TABLE IF NOT EXISTS regroup_drafts (
    draft_id    INTEGER PRIMARY KEY DEFAULT nextval('regroup_draft_ids'),
    name        VARCHAR NOT NULL,
    note        VARCHAR,
    created_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    applied_on  DATE,
    applied_at  TIMESTAMP
);

-- A draft's groups: the split basis and phase each group would have (existing ids or new ones).
CREATE TABLE IF NOT EXISTS regroup_draft_groups (
    draft_id    INTEGER NOT NULL,
    group_id    VARCHAR NOT NULL,
    name        VARCHAR NOT NULL,
    basis       VARCHAR NOT NULL,
    project_id  VARCHAR,
    phase       VARCHAR,
    PRIMARY KEY (draft_id, group_id)
);

-- A draft's people: the group and role each would hold.
CREATE TABLE IF NOT EXISTS regroup_draft_members (
    draft_id       INTEGER NOT NULL,
    staff_id       VARCHAR NOT NULL,
    group_id       VARCHAR NOT NULL,
    role_in_group  VARCHAR NOT NULL,
    PRIMARY KEY (draft_id, staff_id)
);

-- 周会 Weekly meeting (pages/weekly.py, db/meetings.py). A frozen week: the numbers of one ISO
-- week ('2026-W47') as of its Sunday, stored the first time the week is opened so that later
-- imports do not change what the meeting saw. scope: the member filters in force ('all' = the
-- whole 案场); section: scoreboard, digest, a digest list, movers, performers, meta.
CREATE TABLE IF NOT EXISTS weekly_snapshots (
    week          VARCHAR NOT NULL,
    scope         VARCHAR NOT NULL DEFAULT 'all',
    section       VARCHAR NOT NULL,
    payload_json  VARCHAR NOT NULL,
    frozen_at     TIMESTAMP NOT NULL,
    PRIMARY KEY (week, scope, section)
);

CREATE SEQUENCE IF NOT EXISTS meeting_action_ids START 1;

-- Action items agreed in a weekly meeting, carried to later meetings until done or dropped.
-- status: open / done / dropped; closed_week: the meeting that marked it done or dropped (NULL
-- while open), so an earlier meeting re-opened later still shows it as it stood then.
CREATE TABLE IF NOT EXISTS meeting_actions (
    action_id    INTEGER PRIMARY KEY DEFAULT nextval('meeting_action_ids'),
    week_raised  VARCHAR NOT NULL,
    what         VARCHAR NOT NULL,
    owner        VARCHAR,
    due_date     DATE,
    status       VARCHAR NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    closed_week  VARCHAR,
    created_at   TIMESTAMP NOT NULL DEFAULT current_timestamp,
    updated_at   TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- The minutes of one weekly meeting (one text per week, edited in place).
CREATE TABLE IF NOT EXISTS meeting_notes (
    week        VARCHAR PRIMARY KEY,
    body        VARCHAR NOT NULL,
    author      VARCHAR,
    updated_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE SEQUENCE IF NOT EXISTS case_review_ids START 1;

-- 案例复盘 Case reviews (pages/case_review.py): lessons from one deal, tagged (success / failure
-- and reason keys, or the reviewer's own words). A deal may be reviewed more than once.
CREATE TABLE IF NOT EXISTS case_reviews (
    review_id    INTEGER PRIMARY KEY DEFAULT nextval('case_review_ids'),
    deal_id      VARCHAR NOT NULL,
    tags         VARCHAR[] NOT NULL,
    lesson       VARCHAR,
    reviewer     VARCHAR,
    reviewed_at  TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- ---------------------------------------------------------------- derived data (bench/README.md)
-- One row per fact the KPIs count, with its dimensions and measures already joined: deals created
-- (fact 'created', by created_at), deals won or lost ('closed', by won_at / lost_at), visits
-- ('activity', occurred_at) and survey answers ('survey', answered_at); for the funnel, finished
-- stage stays ('stay', by entered_at: stage, stay_days) and the stages each deal with stage history
-- reached ('reach', by the deal's created_at: stage, position, reached_at, entered_at, inferred; see
-- db/queries/funnel.py for their meaning), both with the deal's created-at dimensions; a deal without
-- history has its current stage's position and entry on its 'created' row instead, expanded by
-- db.queries.facts.REACHED_STAGES. Rebuilt from the tables
-- above by db.queries.facts.refresh_kpi_facts, which db.attribution.refresh_group_attribution
-- runs after every import, undo, stage mapping, membership change and demo build; an import
-- refreshes only the facts its batch touched. kpi_aggregates reads it while kpi_facts_state's
-- row counts still match the tables (else it computes from the tables, as before).
-- first_won_days: for a first visit, the fewest days from the visit to the won date of a deal
-- of that visit (>= 0), NULL when none was won after it (first_visits_won = first_won_days <= N).
CREATE TABLE IF NOT EXISTS kpi_facts (
    fact              VARCHAR NOT NULL,
    fact_id           VARCHAR NOT NULL USING COMPRESSION zstd,
    moment            TIMESTAMP NOT NULL,
    group_id          VARCHAR,
    staff_id          VARCHAR,
    project_id        VARCHAR,
    customer_id       VARCHAR USING COMPRESSION zstd,
    source_channel    VARCHAR,
    customer_type     VARCHAR,
    deals             INTEGER,
    followup_on_time  INTEGER,
    won_deals         INTEGER,
    lost_deals        INTEGER,
    won_amount        DOUBLE,
    cycle_days        INTEGER,
    visits            INTEGER,
    first_visits      INTEGER,
    first_won_days    INTEGER,
    csat              SMALLINT,
    nps               SMALLINT,
    stage             VARCHAR,
    position          INTEGER,
    stay_days         DOUBLE,
    reached_at        TIMESTAMP,
    entered_at        TIMESTAMP,
    inferred          BOOLEAN
);

-- Each open deal's facts for the overview's alerts: its attributes, since when it is in its
-- current stage (the stage's entry, else the last logged entry into it, else creation) and its
-- last activity (on the deal, or on its customer when the activity names no deal, as follow-ups
-- are matched). Derived data like kpi_facts, rebuilt with it (same scope, same state row; a deal
-- that closes is in the refresh's scope and leaves): the stalled deals and overdue follow-ups from
-- 0.2M rows at 1M deals, instead of a scan of every deal, its stage history and an anti-join
-- against every activity (5M).
CREATE TABLE IF NOT EXISTS open_deal_facts (
    deal_id         VARCHAR NOT NULL USING COMPRESSION zstd,
    customer_id     VARCHAR USING COMPRESSION zstd,
    owner_staff_id  VARCHAR,
    group_id        VARCHAR,
    project_id      VARCHAR,
    stage           VARCHAR,
    stage_since     TIMESTAMP,
    created_at      TIMESTAMP,
    next_follow_at  TIMESTAMP,
    last_touch_at   TIMESTAMP
);
-- How far each deal that changed owner got, for "moved on after a hand-off"
-- (db/queries/handoffs.py): furthest_at, the first entry into the furthest canonical stage its
-- history logged; without history, current_position, its current stage's 1-based position (NULL:
-- not a canonical stage). Derived data like kpi_facts, rebuilt with it: a narrow lookup for the
-- hand-offs' deals instead of a pass over their stage history (~0.1 s of CPU at 1M deals). Deals
-- that never changed owner cannot have been handed off and have no row.
CREATE TABLE IF NOT EXISTS deal_progress (
    deal_id           VARCHAR NOT NULL,
    furthest_at       TIMESTAMP,
    current_position  INTEGER
);
DROP TABLE IF EXISTS deal_touches;   -- layouts 3 and 4 kept the last touches alone (now in open_deal_facts)

-- The row counts kpi_facts was built from (one row): a table written without a refresh since
-- (a script's INSERT) shows as a different count, and kpi_aggregates then ignores kpi_facts.
-- layout: the version of kpi_facts' rows (db/queries/facts.FACTS_LAYOUT); another means rebuild.
CREATE TABLE IF NOT EXISTS kpi_facts_state (
    layout       INTEGER NOT NULL,
    deals        BIGINT NOT NULL,
    activities   BIGINT NOT NULL,
    surveys      BIGINT NOT NULL,
    customers    BIGINT NOT NULL,
    memberships  BIGINT NOT NULL,
    stage_events BIGINT NOT NULL
);

-- Sign-in accounts (db/accounts.py). password_hash: argon2id, salted and slow; never the password.
-- role: admin 管理员 / manager 案场经理 / leader 组长 / analyst 数据分析员 / consultant 置业顾问.
-- staff_id ties a leader or consultant to their staff record (their group comes from memberships);
-- project_ids: the projects a manager runs; personal_data: an analyst's grant to see customers' details.
-- failed_attempts / locked_until throttle password guessing.
CREATE TABLE IF NOT EXISTS accounts (
    username         VARCHAR PRIMARY KEY,
    display_name     VARCHAR NOT NULL,
    password_hash    VARCHAR NOT NULL,
    role             VARCHAR NOT NULL CHECK (role IN ('admin', 'manager', 'leader', 'analyst', 'consultant')),
    staff_id         VARCHAR,
    project_ids      VARCHAR[] NOT NULL DEFAULT [],
    personal_data    BOOLEAN NOT NULL DEFAULT false,
    disabled         BOOLEAN NOT NULL DEFAULT false,
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TIMESTAMP,
    created_at       TIMESTAMP NOT NULL DEFAULT current_timestamp
);

-- Who did what (db/audit.py): sign-ins (and failed ones), imports, undos, exports, target, group
-- and account changes. actor: a username, or "cli:<os user>" for the command line.
CREATE TABLE IF NOT EXISTS audit_log (
    logged_at  TIMESTAMP NOT NULL DEFAULT current_timestamp,
    actor      VARCHAR NOT NULL,
    action     VARCHAR NOT NULL,
    detail     VARCHAR
);
