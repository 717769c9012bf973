-- Admiralty grades, as migrations/sqlite/0017_grades.sql: sources, their grades and documents'
-- own grades (who set each, null for the corpus metadata, and when), and the grades of
-- assessing notes, stored as two values, never as one "B2".
create table sources (
    id   bigint generated always as identity primary key,
    key  text collate "C" not null unique,
    name text collate "C" not null
);

alter table documents add column source_id bigint references sources (id);

create table source_grades (
    source_id   bigint primary key references sources (id) on delete cascade,
    reliability text not null check (reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
    graded_by   bigint references analysts (id) on delete restrict,
    graded_at   timestamptz not null
);

create table document_grades (
    document_id bigint primary key references documents (id) on delete cascade,
    reliability text not null check (reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
    graded_by   bigint references analysts (id) on delete restrict,
    graded_at   timestamptz not null
);

alter table annotations add column credibility bigint check (credibility between 1 and 6);
alter table annotations add column source_reliability text
    check (source_reliability in ('A', 'B', 'C', 'D', 'E', 'F'));
