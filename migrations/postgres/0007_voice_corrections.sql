-- Analysts' corrections of attributions (src/domain/voices/corrections.rs). A correction says
-- of one sentence "voice V says this" (voice_* set) or "no one is reported" (voice_* null). It
-- is anchored to the whole sentence as a note is, and re-anchored when the text changes.
-- outcome records how it stood against the rules when they last ran.
create table voice_corrections (
    id               text collate "C" primary key,
    document_id      bigint not null references documents (id) on delete restrict,
    analyst_id       bigint not null references analysts (id) on delete restrict,
    voice_id         text,
    voice_label      text,
    voice_actor      text,
    voice_official   bigint check (voice_official in (0, 1)),
    start_cp         bigint not null,
    end_cp           bigint not null,
    exact            text not null,
    prefix           text not null,
    suffix           text not null,
    original_exact   text not null,
    anchor_status    text not null default 'exact'
        check (anchor_status in ('exact', 'moved', 'fuzzy', 'ambiguous', 'orphan')),
    document_version bigint not null,
    -- Order of making within the document: instants are kept to the second, and the newer of
    -- two corrections of one sentence must hold.
    seq              bigint not null,
    outcome          text not null default 'unplaced'
        check (outcome in ('confirmed', 'reassigned', 'added', 'removed', 'agreed', 'overruled', 'unplaced')),
    rule_voice_label text,
    created          timestamptz not null,
    modified         timestamptz not null,
    check (start_cp < end_cp),
    check ((voice_id is null) = (voice_label is null)),
    check ((voice_id is null) = (voice_official is null))
);
create index voice_corrections_by_document on voice_corrections (document_id, start_cp);

-- The rules' claims and the analysts' are rows of one table: a claim an analyst reassigns or
-- removes stays, inactive, so that taking the correction back restores it without running
-- the rules again. `claims` is the view every reader queries: the claims in force.
create table claim_rows (
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
                    check (attribution in ('explicit', 'pronoun', 'agentless', 'implicit', 'analyst')),
    confidence      bigint not null check (confidence between 0 and 100),
    rule            text not null,
    origin          text not null default 'rules' check (origin in ('rules', 'analyst')),
    active          bigint not null default 1 check (active in (0, 1)),
    correction_id   text references voice_corrections (id) on delete set null,
    primary key (paragraph_id, sentence_start, origin)
);
insert into claim_rows (document_id, paragraph_id, sentence_start, sentence_end, cue_start,
    cue_end, cue_text, source_start, source_end, source_text, voice_id, voice_label,
    voice_actor, voice_official, attribution, confidence, rule)
select document_id, paragraph_id, sentence_start, sentence_end, cue_start, cue_end, cue_text,
    source_start, source_end, source_text, voice_id, voice_label, voice_actor, voice_official,
    attribution, confidence, rule
from claims;
drop table claims;
create index claim_rows_by_voice on claim_rows (voice_id, active, document_id);
create index claim_rows_by_actor on claim_rows (voice_actor, active, voice_id);
create index claim_rows_by_document on claim_rows (document_id, active);
create view claims as
select document_id, paragraph_id, sentence_start, sentence_end, cue_start, cue_end, cue_text,
    source_start, source_end, source_text, voice_id, voice_label, voice_actor, voice_official,
    attribution, confidence, rule, correction_id
from claim_rows where active = 1;
