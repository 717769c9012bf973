-- Order kept in columns rather than in SQLite's rowid, which PostgreSQL does not have:
-- formatting ranges in the order the parser found them (they nest by it), and an actor's
-- aliases in the order the gazetteer lists them. Existing rows keep their insertion order.
alter table paragraph_formats add column ordinal integer not null default 0;
update paragraph_formats set ordinal = rowid;
alter table actor_aliases add column ordinal integer not null default 0;
update actor_aliases set ordinal = rowid;
