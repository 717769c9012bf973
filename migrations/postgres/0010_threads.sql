-- Threads and mentions, as migrations/sqlite/0019_threads.sql.
alter table annotations add column parent_id text collate "C";
create index annotations_by_parent on annotations (parent_id) where parent_id is not null;
alter table annotations add column reply_seq bigint not null default 0;
alter table annotations add column mentions text not null default '[]';
