-- Analysts and their margin notes (W3C Web Annotations).

-- Only a SHA-256 hash of each token is stored: tokens are 256 random bits, so a fast hash is
-- enough, and the API stays fast. A revoked analyst keeps their row so their notes keep an author.
create table analysts (
    id         integer primary key,
    name       text not null unique,
    token_hash text not null unique,
    created_at text not null,
    revoked_at text
);

-- Browser sessions; the cookie holds a random id, the table only its hash.
create table sessions (
    id_hash    text primary key,
    analyst_id integer not null references analysts (id) on delete cascade,
    created_at text not null,
    expires_at text not null
);

-- A note keeps its document and author for life: neither can be deleted while notes refer to
-- them. Positions count code points into the document text (paragraphs joined by "\n\n") of
-- `document_version`; exact/prefix/suffix keep the quote so the note can be re-anchored.
create table annotations (
    id               text primary key,
    document_id      integer not null references documents (id) on delete restrict,
    analyst_id       integer not null references analysts (id) on delete restrict,
    motivation       text not null,
    body             text not null,
    tags             text not null default '[]',
    visibility       text not null check (visibility in ('private', 'team', 'public')),
    start_cp         integer not null,
    end_cp           integer not null,
    exact            text not null,
    prefix           text not null,
    suffix           text not null,
    document_version integer not null,
    created          text not null,
    modified         text not null,
    revision         integer not null default 1,
    check (start_cp < end_cp)
);
create index annotations_by_document on annotations (document_id, start_cp);
