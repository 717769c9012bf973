-- Threads (src/domain/annotation/thread.rs): a reply's target is the note it answers, kept as
-- parent_id. No foreign key: deleting a note keeps its replies, which then hang under a
-- "deleted note" placeholder built from the parent's tombstone revision.
alter table annotations add column parent_id text;
create index annotations_by_parent on annotations (parent_id) where parent_id is not null;
-- A reply's place among the replies to the same note, in the order they were written: two
-- replies written within the same second (instants are kept to the second) keep their order.
alter table annotations add column reply_seq integer not null default 0;

-- The analysts a note's body mentions (`@name`), as a JSON array of names, decided when the
-- note is written, so that an analyst's "mentions" view is a filter like tags.
alter table annotations add column mentions text not null default '[]';
