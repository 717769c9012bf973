-- Full-text search over notes: their bodies, tags and quotes, in an FTS5 table of its own
-- (porter stemming, accents folded), kept in step with every note written, edited or deleted
-- by triggers in the writer's transaction. A note's row in the index is found through
-- notes_fts_rows, not through the annotations table's implicit rowid, which VACUUM may renumber.
create virtual table notes_fts using fts5(
    note_id unindexed,
    body,
    tags,
    quote,
    tokenize = 'porter unicode61 remove_diacritics 2'
);
create table notes_fts_rows (
    note_id   text primary key,
    fts_rowid integer not null unique
);

create trigger notes_fts_after_insert after insert on annotations
begin
    insert into notes_fts_rows (note_id, fts_rowid)
        values (new.id, (select coalesce(max(fts_rowid), 0) + 1 from notes_fts_rows));
    insert into notes_fts (rowid, note_id, body, tags, quote)
        values ((select fts_rowid from notes_fts_rows where note_id = new.id),
                new.id, new.body, new.tags, coalesce(new.exact, ''));
end;
create trigger notes_fts_after_update after update of body, tags, exact on annotations
begin
    delete from notes_fts where rowid = (select fts_rowid from notes_fts_rows where note_id = old.id);
    insert into notes_fts (rowid, note_id, body, tags, quote)
        values ((select fts_rowid from notes_fts_rows where note_id = new.id),
                new.id, new.body, new.tags, coalesce(new.exact, ''));
end;
create trigger notes_fts_after_delete after delete on annotations
begin
    delete from notes_fts where rowid = (select fts_rowid from notes_fts_rows where note_id = old.id);
    delete from notes_fts_rows where note_id = old.id;
end;

insert into notes_fts_rows (note_id, fts_rowid)
    select id, row_number() over (order by id) from annotations;
insert into notes_fts (rowid, note_id, body, tags, quote)
    select r.fts_rowid, a.id, a.body, a.tags, coalesce(a.exact, '')
    from annotations a join notes_fts_rows r on r.note_id = a.id;
