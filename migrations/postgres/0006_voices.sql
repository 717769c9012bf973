-- Whose view each sentence gives (src/domain/voices/): one row per attributed sentence,
-- made at import with the document's other analysis. The document is written beside the
-- paragraph so that a voice's counts read one index. The voice is written out beside its
-- claim, so a voice is simply the claims that share its id.
create table claims (
    document_id     bigint not null references documents (id) on delete cascade,
    paragraph_id    bigint not null references paragraphs (id) on delete cascade,
    sentence_start  bigint not null,
    sentence_end    bigint not null,
    cue_start       bigint,
    cue_end         bigint,
    cue_text        text,
    source_start    bigint,
    source_end      bigint,
    source_text     text,
    voice_id        text collate "C" not null,
    voice_label     text collate "C" not null,
    voice_actor     text,
    voice_official  bigint not null check (voice_official in (0, 1)),
    attribution     text not null
                    check (attribution in ('explicit', 'pronoun', 'agentless', 'implicit')),
    confidence      bigint not null check (confidence between 0 and 100),
    rule            text not null,
    primary key (paragraph_id, sentence_start)
);
create index claims_by_voice on claims (voice_id, document_id);
create index claims_by_actor on claims (voice_actor, voice_id);
create index claims_by_document on claims (document_id);
