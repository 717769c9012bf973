-- A counter that moves whenever anything a page shows changes: a document (re)imported, or a
-- note written. Pages are cached per viewer and generation; triggers keep the counter right
-- even when another process (`glossa import`, `glossa notes import`) writes.
insert into settings (key, value) values ('generation', '0')
    on conflict (key) do nothing;

create trigger generation_after_document_insert after insert on documents
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_document_update after update on documents
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_note_insert after insert on annotations
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_note_update after update on annotations
begin update settings set value = value + 1 where key = 'generation'; end;
create trigger generation_after_note_delete after delete on annotations
begin update settings set value = value + 1 where key = 'generation'; end;
