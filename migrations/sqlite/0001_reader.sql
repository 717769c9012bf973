-- The reader: documents imported from the corpus, their numbered paragraphs, footnotes and
-- the actors they name. Offsets (start_cp, end_cp, offset_cp) count Unicode code points into
-- paragraphs.text, as the W3C Web Annotation model counts them.

-- A document keeps its row for life. Re-importing a changed file updates this row and bumps
-- `version`; nothing that refers to a document (notes) is ever cascade-deleted by an import.
create table documents (
    id            integer primary key,
    slug          text not null unique,
    title         text not null,
    author        text,
    published     text,               -- YYYY-MM-DD
    source_url    text,
    language      text,
    tags          text not null default '[]',   -- JSON array of strings
    format        text not null check (format in ('txt', 'md')),
    content_hash  text not null,      -- sha256 of the file and its sidecar
    analysis_hash text not null,      -- content + gazetteer + analysis code: "is it current?"
    version       integer not null default 1,   -- bumped when content_hash changes
    imported_at   text not null,
    updated_at    text not null
);

-- Every text a document has had, so that notes written on an old version can still show it.
create table document_versions (
    document_id  integer not null references documents (id) on delete restrict,
    version      integer not null,
    content_hash text not null,
    source_text  text not null,
    imported_at  text not null,
    primary key (document_id, version)
);

-- Derived from the current version and replaced as a whole on re-import.
create table paragraphs (
    id          integer primary key,
    document_id integer not null references documents (id) on delete cascade,
    ordinal     integer not null check (ordinal >= 1),
    kind        text not null,
    text        text not null,
    unique (document_id, ordinal)
);

create table paragraph_formats (
    paragraph_id integer not null references paragraphs (id) on delete cascade,
    start_cp     integer not null,
    end_cp       integer not null,
    style        text not null,      -- emphasis | strong | strikethrough | code | link
    href         text,
    check (start_cp < end_cp)
);
create index paragraph_formats_by_paragraph on paragraph_formats (paragraph_id);

-- content_html is sanitised at import; null when the source gives no reference text.
create table footnotes (
    document_id  integer not null references documents (id) on delete cascade,
    number       integer not null check (number >= 1),
    label        text not null,
    content_html text,
    primary key (document_id, number)
);

create table footnote_refs (
    paragraph_id integer not null references paragraphs (id) on delete cascade,
    number       integer not null,
    occurrence   integer not null,   -- 1 for the first citation of `number`, 2 for the next…
    offset_cp    integer not null
);
create index footnote_refs_by_paragraph on footnote_refs (paragraph_id);

create table actors (
    id          text primary key,
    name        text not null,
    kind        text not null check (kind in ('state', 'organisation', 'bloc', 'person', 'group')),
    wikidata    text,
    affiliation text,
    role        text
);

create table actor_aliases (
    alias    text primary key,
    actor_id text not null references actors (id) on delete cascade,
    rule     text not null            -- anywhere | not_before_name | before_hyphen_only
);

-- An actor that is still mentioned cannot be deleted: the import re-matches first.
create table mentions (
    paragraph_id integer not null references paragraphs (id) on delete cascade,
    actor_id     text not null references actors (id) on delete restrict,
    start_cp     integer not null,
    end_cp       integer not null,
    matched      text not null,
    check (start_cp < end_cp)
);
create index mentions_by_paragraph on mentions (paragraph_id);
create index mentions_by_actor on mentions (actor_id);

-- Small key/value facts about the database, such as the gazetteer hash last imported.
create table settings (
    key   text primary key,
    value text not null
);
