-- Everything a cached page or JSON shows moves the generation, not only documents and notes:
-- grades of a document or its source, voice corrections, names added to the gazetteer, the
-- actors and their aliases, and analysts (a name, the admin flag). Another process writing
-- them (another instance on the same file, `glossa import`, `glossa analyst`) is then seen
-- within a quarter of a second, as note writes are.

create trigger generation_after_document_grades_insert after insert on document_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_document_grades_update after update on document_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_document_grades_delete after delete on document_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_source_grades_insert after insert on source_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_source_grades_update after update on source_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_source_grades_delete after delete on source_grades
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_sources_insert after insert on sources
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_sources_update after update on sources
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_sources_delete after delete on sources
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_voice_corrections_insert after insert on voice_corrections
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_voice_corrections_update after update on voice_corrections
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_voice_corrections_delete after delete on voice_corrections
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_gazetteer_additions_insert after insert on gazetteer_additions
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_gazetteer_additions_update after update on gazetteer_additions
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_gazetteer_additions_delete after delete on gazetteer_additions
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_analysts_insert after insert on analysts
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_analysts_update after update on analysts
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_analysts_delete after delete on analysts
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actors_insert after insert on actors
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actors_update after update on actors
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actors_delete after delete on actors
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actor_aliases_insert after insert on actor_aliases
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actor_aliases_update after update on actor_aliases
begin update settings set value = value + 1 where key = 'generation'; end;

create trigger generation_after_actor_aliases_delete after delete on actor_aliases
begin update settings set value = value + 1 where key = 'generation'; end;
