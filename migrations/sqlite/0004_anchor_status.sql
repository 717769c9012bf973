-- Re-anchoring: how each note stands in its document's current text, and the quote its
-- author chose, kept beside the current one when a copy edit changed it (fuzzy matches).
-- Statuses: exact, moved, fuzzy (placed); ambiguous, orphan (listed apart, never guessed).
alter table annotations add column anchor_status text not null default 'exact'
    check (anchor_status in ('exact', 'moved', 'fuzzy', 'ambiguous', 'orphan'));
alter table annotations add column original_exact text not null default '';
update annotations set original_exact = exact;
