-- A note's body rendered from Markdown and sanitised, stored when the note is written, so
-- pages and exports never render the same body twice. Null for rows written before this
-- column existed; they are rendered when read.
alter table annotations add column body_html text;
