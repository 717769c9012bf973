-- The sentence each mention stands in (code points of its paragraph), for the dossier's
-- mentions in context; null until the document is next analysed, read as the whole paragraph.
alter table mentions add column sentence_start_cp bigint;
alter table mentions add column sentence_end_cp bigint;

-- Pairs of actors a document names together: how many of its sentences and paragraphs name
-- both. Written with the document's mentions, so the corpus matrix is one grouped sum.
create table co_mentions (
    document_id bigint not null references documents (id) on delete cascade,
    actor_a     text collate "C" not null references actors (id) on delete restrict,
    actor_b     text collate "C" not null references actors (id) on delete restrict,
    sentences   bigint not null,
    paragraphs  bigint not null,
    primary key (actor_a, actor_b, document_id),
    check (actor_a < actor_b)
);
create index co_mentions_by_document on co_mentions (document_id);
create index co_mentions_by_second on co_mentions (actor_b);

-- Capitalised names no alias covers, for the report of names the gazetteer lacks.
create table name_candidates (
    paragraph_id      bigint not null references paragraphs (id) on delete cascade,
    start_cp          bigint not null,
    end_cp            bigint not null,
    text              text collate "C" not null,
    sentence_initial  bigint not null check (sentence_initial in (0, 1)),
    sentence_start_cp bigint not null,
    sentence_end_cp   bigint not null
);
create index name_candidates_by_text on name_candidates (text);
create index name_candidates_by_paragraph on name_candidates (paragraph_id);

-- How often each document names each actor, and by which forms: the rows the actor pages
-- add up, a few per document instead of every mention.
create table document_actors (
    document_id bigint not null references documents (id) on delete cascade,
    actor_id    text collate "C" not null references actors (id) on delete restrict,
    mentions    bigint not null,
    sentences   bigint not null,
    primary key (actor_id, document_id)
);
create index document_actors_by_document on document_actors (document_id);
create table document_forms (
    document_id bigint not null references documents (id) on delete cascade,
    actor_id    text collate "C" not null references actors (id) on delete restrict,
    matched     text collate "C" not null,
    mentions    bigint not null,
    primary key (actor_id, matched, document_id)
);
create index document_forms_by_document on document_forms (document_id);

-- The corpus's sums of the three tables above, made again after every import that changed
-- anything (and never read while stale: see the setting `actor_totals`).
create table actor_totals (
    actor_id  text collate "C" primary key references actors (id) on delete cascade,
    mentions  bigint not null,
    documents bigint not null,
    sentences bigint not null
);
create table form_totals (
    actor_id text collate "C" not null references actors (id) on delete cascade,
    matched  text collate "C" not null,
    mentions bigint not null,
    primary key (actor_id, matched)
);
create table pair_totals (
    actor_a    text collate "C" not null references actors (id) on delete cascade,
    actor_b    text collate "C" not null references actors (id) on delete cascade,
    sentences  bigint not null,
    paragraphs bigint not null,
    primary key (actor_a, actor_b)
);

-- Each actor's mentions by month of publication (`YYYY-MM`, `YYYY` for a year alone; null for
-- undated documents), for the dossier's timeline.
create table timeline_totals (
    actor_id  text collate "C" not null references actors (id) on delete cascade,
    period    text collate "C",
    mentions  bigint not null,
    documents bigint not null
);
create index timeline_totals_by_actor on timeline_totals (actor_id);

-- Gazetteer additions made in the browser where the corpus directory cannot be written;
-- applied on top of actors.toml, in order.
create table gazetteer_additions (
    id          bigint generated always as identity primary key,
    actor_id    text collate "C" not null,
    alias       text,
    name        text,
    kind        text,
    affiliation text,
    role        text,
    added_by    text not null,
    added_at    timestamptz not null
);
