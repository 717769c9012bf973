-- Admiralty grades (NATO STANAG 2511, src/domain/grades.rs): how far a source can be trusted
-- (A–F) and how likely a claim is (1–6), judged apart and stored apart, never as one "B2".
--
-- A source is the outlet (or, failing one, the author) a document's metadata names; documents
-- of one outlet share its record. Its grade, and a document's own grade that overrides it,
-- live in tables of their own, each row saying who set it (null: the corpus metadata) and
-- when; taking a grade back deletes its row.
create table sources (
    id   integer primary key,
    key  text not null unique,   -- the name folded to lower case with white space collapsed
    name text not null
);

alter table documents add column source_id integer references sources (id);

create table source_grades (
    source_id   integer primary key references sources (id) on delete cascade,
    reliability text not null check (reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
    graded_by   integer references analysts (id) on delete restrict,
    graded_at   text not null
);

create table document_grades (
    document_id integer primary key references documents (id) on delete cascade,
    reliability text not null check (reliability in ('A', 'B', 'C', 'D', 'E', 'F')),
    graded_by   integer references analysts (id) on delete restrict,
    graded_at   text not null
);

-- An assessing note grades the claim of its passage, and may grade the passage's source.
alter table annotations add column credibility integer check (credibility between 1 and 6);
alter table annotations add column source_reliability text
    check (source_reliability in ('A', 'B', 'C', 'D', 'E', 'F'));
