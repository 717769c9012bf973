-- Documents added and revised from the browser (src/intake.rs) live in the database alone.
-- origin says where a document comes from: a corpus import never overwrites a 'browser'
-- document, and reports the clash instead.
alter table documents add column origin text not null default 'corpus'
    check (origin in ('corpus', 'browser'));
alter table documents add column uploaded_by integer references analysts (id) on delete restrict;
-- Archived documents are hidden from lists and search and kept whole, notes and versions.
alter table documents add column archived_at text;
alter table documents add column archived_by integer references analysts (id) on delete restrict;

-- Who published each version from the browser, the form's fields and the analyst's
-- corrections of how the text was read (JSON), so that the version can be read again.
alter table document_versions add column format text;
alter table document_versions add column metadata text;
alter table document_versions add column corrections text;
alter table document_versions add column published_by integer references analysts (id) on delete restrict;

-- Analysts who may archive any document, not only their own (`glossa analyst add --admin`).
alter table analysts add column admin integer not null default 0 check (admin in (0, 1));
