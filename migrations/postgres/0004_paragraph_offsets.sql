-- Where each paragraph starts in its document's text (code points; paragraphs are joined by
-- a blank line), so a note's position can be matched against the mentions of its paragraph in
-- SQL: "notes whose quote names an actor".
alter table paragraphs add column start_cp bigint not null default 0;

update paragraphs p set start_cp = s.start_cp
from (
    select id, coalesce(sum(char_length(text) + 2) over (
        partition by document_id order by ordinal rows between unbounded preceding and 1 preceding
    ), 0) as start_cp
    from paragraphs
) s
where s.id = p.id;
