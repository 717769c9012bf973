-- Everything a cached page or JSON shows is announced to the other instances, not only
-- documents and notes: grades of a document or its source, voice corrections, names added to
-- the gazetteer, the actors and their aliases, and analysts (a name, the admin flag).

create trigger document_grades_changed after insert or update or delete on document_grades
    for each statement execute function glossa_notify_change();

create trigger source_grades_changed after insert or update or delete on source_grades
    for each statement execute function glossa_notify_change();

create trigger sources_changed after insert or update or delete on sources
    for each statement execute function glossa_notify_change();

create trigger voice_corrections_changed after insert or update or delete on voice_corrections
    for each statement execute function glossa_notify_change();

create trigger gazetteer_additions_changed after insert or update or delete on gazetteer_additions
    for each statement execute function glossa_notify_change();

create trigger analysts_changed after insert or update or delete on analysts
    for each statement execute function glossa_notify_change();

create trigger actors_changed after insert or update or delete on actors
    for each statement execute function glossa_notify_change();

create trigger actor_aliases_changed after insert or update or delete on actor_aliases
    for each statement execute function glossa_notify_change();
