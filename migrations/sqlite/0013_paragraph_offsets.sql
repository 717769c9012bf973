-- Where each paragraph starts in its document's text (code points; paragraphs are joined by
-- a blank line), so a note's position can be matched against the mentions of its paragraph in
-- SQL: "notes whose quote names an actor".
alter table paragraphs add column start_cp integer not null default 0;

update paragraphs set start_cp = coalesce((
    select sum(length(q.text) + 2) from paragraphs q
    where q.document_id = paragraphs.document_id and q.ordinal < paragraphs.ordinal
), 0);
