-- Documents from the browser, as migrations/sqlite/0020_browser_documents.sql.
alter table documents add column origin text not null default 'corpus'
    check (origin in ('corpus', 'browser'));
alter table documents add column uploaded_by bigint references analysts (id) on delete restrict;
alter table documents add column archived_at timestamptz;
alter table documents add column archived_by bigint references analysts (id) on delete restrict;
alter table document_versions add column format text;
alter table document_versions add column metadata text;
alter table document_versions add column corrections text;
alter table document_versions add column published_by bigint references analysts (id) on delete restrict;
alter table analysts add column admin integer not null default 0 check (admin in (0, 1));
