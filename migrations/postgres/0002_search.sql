-- Full-text search over paragraphs: a tsvector kept by PostgreSQL itself (a stored generated
-- column) under a GIN index, in a text search configuration of glossa's own: English
-- stemming, as SQLite's porter tokenizer does, with accents folded (unaccent, a trusted
-- extension the database owner may create).
create extension if not exists unaccent;
create text search configuration glossa (copy = english);
alter text search configuration glossa
    alter mapping for hword, hword_part, word with unaccent, english_stem;

alter table paragraphs
    add column search tsvector generated always as (to_tsvector('glossa', text)) stored;
create index paragraphs_search on paragraphs using gin (search);
