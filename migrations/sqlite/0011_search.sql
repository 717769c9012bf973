-- Full-text search over paragraphs: an FTS5 index over paragraphs.text (external content: the
-- text is stored once), English stemming (porter) with accents folded, kept in step with
-- every insert, update and delete of a paragraph by triggers, in the writer's transaction.
create virtual table paragraphs_fts using fts5(
    text,
    content = 'paragraphs',
    content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

create trigger paragraphs_fts_after_insert after insert on paragraphs
begin
    insert into paragraphs_fts (rowid, text) values (new.id, new.text);
end;
create trigger paragraphs_fts_after_delete after delete on paragraphs
begin
    insert into paragraphs_fts (paragraphs_fts, rowid, text) values ('delete', old.id, old.text);
end;
create trigger paragraphs_fts_after_update after update of text on paragraphs
begin
    insert into paragraphs_fts (paragraphs_fts, rowid, text) values ('delete', old.id, old.text);
    insert into paragraphs_fts (rowid, text) values (new.id, new.text);
end;

insert into paragraphs_fts (paragraphs_fts) values ('rebuild');
